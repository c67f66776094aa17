-- Appends are serialized from the moment their notification ids are drawn until they commit,
-- so that ids commit in order and a reader following the table never skips one. They took an
-- EXCLUSIVE lock on the events table for that, and EXCLUSIVE conflicts with the lock VACUUM
-- and ANALYZE take: while either ran on the table (by hand, or autovacuum's), every write
-- waited for it to end, and autovacuum's own runs were cancelled after a second of blocking
-- writers, so under steady writes the table was vacuumed only by the runs against wraparound,
-- which are never cancelled. Appends now take a transaction-scoped advisory lock instead: it
-- serializes them with each other exactly as the table lock did, and conflicts with nothing
-- else. trainees_lock_appends is its one definition: the append below and the rebuild's
-- switch (which holds it to keep every writer out) both call it.
CREATE OR REPLACE FUNCTION trainees_lock_appends() RETURNS void
LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(1207002, 0);
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
    PERFORM trainees_lock_appends();
    NOTIFY traineeregister_events;
    RETURN QUERY
    INSERT INTO traineeregister_events (originator_id, originator_version, topic, state)
    SELECT * FROM unnest(ids, versions, topics, states)
    RETURNING notification_id;
END;
$$;
