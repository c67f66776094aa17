-- The lock appends take, and what readers do instead of relying on the order it gave.
--
-- Appends were serialized by an EXCLUSIVE lock on the events table, held from the moment their
-- notification ids were drawn until their commit had been flushed, so that ids committed in
-- order and a reader following the table never skipped one. That cost twice:
-- * EXCLUSIVE conflicts with the lock VACUUM and ANALYZE take: while either ran on the table
--   (by hand, or autovacuum's), every write waited for it, and autovacuum's own runs were
--   cancelled after a second of blocking writers, so under steady writes the table was vacuumed
--   only by the runs against wraparound, which are never cancelled.
-- * Commits were flushed one after another, never together; the NOTIFY each append sent did the
--   same (PostgreSQL orders the commits of notifying transactions under one lock).
-- Appends now take a transaction-scoped advisory lock, shared, which conflicts with nothing but
-- trainees_stop_appends() (the rebuild's switch, which takes it alone to keep every writer
-- out), and announce nothing: the projection worker polls.
--
-- What replaces the order for readers: notification ids may commit out of order, so a reader
-- following the table by id asks trainees_settled_head() for the highest id below which nothing
-- more can commit, and reads only up to it. It is the highest id committed when asked, once
-- every append that held the lock at that moment has ended: such an append drew its ids after
-- taking the lock, and an append that takes the lock afterwards draws ids above every id drawn
-- before, so no id at or below it can commit later.
CREATE OR REPLACE FUNCTION trainees_lock_appends() RETURNS void
LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock_shared(1207002, 0);
$$;

CREATE OR REPLACE FUNCTION trainees_stop_appends() RETURNS void
LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(1207002, 0);
$$;

-- The highest notification id below which no event can still commit; NULL when an append that
-- held the lock has not ended within `patience`. Called alone, in a read-committed
-- transaction, before the statements that read up to it (they see what committed meanwhile).
CREATE OR REPLACE FUNCTION trainees_settled_head(patience interval DEFAULT '5 seconds')
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    head bigint;
    appending text[];  -- the appends that held the lock when the head was read, still holding it
    giving_up timestamptz := clock_timestamp() + patience;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'trainees_settled_head() reads what commits while it waits: call it'
            ' in a read-committed transaction' USING ERRCODE = '25000';
    END IF;
    SELECT coalesce(max(notification_id), 0) INTO head FROM traineeregister_events;
    LOOP
        appending := ARRAY(
            SELECT virtualtransaction FROM pg_locks
             WHERE locktype = 'advisory' AND classid = 1207002 AND objid = 0 AND objsubid = 2
               AND granted AND pid <> pg_backend_pid()
               AND (appending IS NULL OR virtualtransaction = ANY(appending)));
        EXIT WHEN cardinality(appending) = 0;
        IF clock_timestamp() > giving_up THEN
            RETURN NULL;
        END IF;
        PERFORM pg_sleep(0.001);
    END LOOP;
    RETURN head;
END;
$$;

CREATE OR REPLACE FUNCTION trainees_append(
    ids uuid[], versions bigint[], topics text[], states bytea[], views json
) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('lock_timeout', '5s', true);
    INSERT INTO trainees
    SELECT * FROM json_populate_recordset(NULL::trainees, views)
    ON CONFLICT (id) DO UPDATE SET
        slug = EXCLUDED.slug, slug_key = EXCLUDED.slug_key, provider_id = EXCLUDED.provider_id,
        version = EXCLUDED.version, state = EXCLUDED.state, trn_key = EXCLUDED.trn_key,
        itt_start_date = EXCLUDED.itt_start_date, start_cycle_year = EXCLUDED.start_cycle_year,
        created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
        last_name_key = EXCLUDED.last_name_key, first_name_key = EXCLUDED.first_name_key,
        email_key = EXCLUDED.email_key, date_of_birth_key = EXCLUDED.date_of_birth_key,
        training_route = EXCLUDED.training_route,
        provider_trainee_id_key = EXCLUDED.provider_trainee_id_key, sealed = EXCLUDED.sealed,
        erased_at = EXCLUDED.erased_at, doc = EXCLUDED.doc
    WHERE trainees.version < EXCLUDED.version;
    PERFORM trainees_lock_appends();  -- shared: held until the commit, before any id is drawn
    RETURN QUERY
    INSERT INTO traineeregister_events (originator_id, originator_version, topic, state)
    SELECT * FROM unnest(ids, versions, topics, states)
    RETURNING notification_id;
END;
$$;
