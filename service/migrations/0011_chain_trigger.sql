-- The chain trigger of migration 0007 called the hash function as a separate plan for every
-- event, while the events table was locked: declared IMMUTABLE around convert_to (which is
-- STABLE), it could not be inlined. Declared STABLE, as what it calls is, it is inlined into
-- the trigger's expression; the trigger reads the previous hash of the stream first. The hash
-- is the same (trainees_event_hash stays its one definition).
ALTER FUNCTION trainees_event_hash(bytea, uuid, bigint, text, bytea) STABLE;

CREATE OR REPLACE FUNCTION trainees_chain_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    prev bytea;
BEGIN
    SELECT e.hash INTO prev FROM traineeregister_events e
     WHERE e.originator_id = NEW.originator_id
       AND e.originator_version < NEW.originator_version
     ORDER BY e.originator_version DESC LIMIT 1;
    NEW.hash := trainees_event_hash(
        prev, NEW.originator_id, NEW.originator_version, NEW.topic, NEW.state);
    RETURN NEW;
END;
$$;
