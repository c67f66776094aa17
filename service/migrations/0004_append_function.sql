-- Append a trainee's events and its read-model row in one statement: the row is upserted, then
-- the events table is locked (so notification ids are committed in order and a tailing reader
-- never skips one), then the events are inserted. One round trip; the lock is held only inside
-- the server, never across a client round trip.
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
        version = EXCLUDED.version, state = EXCLUDED.state, trn = EXCLUDED.trn,
        itt_start_date = EXCLUDED.itt_start_date, start_cycle_year = EXCLUDED.start_cycle_year,
        created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
        last_name_key = EXCLUDED.last_name_key, first_name_key = EXCLUDED.first_name_key,
        email_key = EXCLUDED.email_key, date_of_birth = EXCLUDED.date_of_birth,
        training_route = EXCLUDED.training_route, doc = EXCLUDED.doc
    WHERE trainees.version < EXCLUDED.version;
    LOCK TABLE traineeregister_events IN EXCLUSIVE MODE;
    NOTIFY traineeregister_events;
    RETURN QUERY
    INSERT INTO traineeregister_events (originator_id, originator_version, topic, state)
    SELECT * FROM unnest(ids, versions, topics, states)
    RETURNING notification_id;
END;
$$;
