-- One statement saves everything a write stores, so a create costs one round trip instead of
-- six (begin, identity lock, duplicate check, data keys, append, commit).
--
-- trainee_duplicates is the duplicate rule of domain.md 2.10 over the read model's keyed
-- hashes: the one definition, used by the API's listing of duplicates and by trainees_save.
CREATE OR REPLACE FUNCTION trainee_duplicates(
    provider uuid, born text, last_name text, cycle integer, route text, first_name text,
    email text
) RETURNS SETOF uuid
LANGUAGE sql STABLE AS $$
    SELECT t.id FROM trainees t
     WHERE t.provider_id = provider AND t.date_of_birth_key = born
       AND t.last_name_key = last_name AND t.start_cycle_year = cycle
       AND t.training_route = route
       AND (t.first_name_key = first_name OR t.email_key = email)
       AND t.erased_at IS NULL
$$;

-- trainees_save: with `identity`, a transaction-scoped advisory lock on the new record's
-- identity, then the duplicate rule with `duplicate` (its seven arguments as text); a duplicate
-- raises SQLSTATE TRD01 and nothing is stored. Then the new data keys, the read-model rows
-- (upserted), the events table lock (notification ids commit in order, so a tailing reader
-- never skips one) and the events. Any failure stores nothing: the statement is one transaction.
CREATE OR REPLACE FUNCTION trainees_save(
    ids uuid[], versions bigint[], topics text[], states bytea[], views json,
    key_ids uuid[] DEFAULT NULL, key_wrapped bytea[] DEFAULT NULL,
    key_masters text[] DEFAULT NULL, identity integer DEFAULT NULL,
    duplicate text[] DEFAULT NULL
) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('lock_timeout', '5s', true);
    IF identity IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(1207001, identity);
        IF EXISTS (SELECT FROM trainee_duplicates(duplicate[1]::uuid, duplicate[2], duplicate[3],
                   duplicate[4]::integer, duplicate[5], duplicate[6], duplicate[7])) THEN
            RAISE EXCEPTION 'the record duplicates a stored trainee' USING ERRCODE = 'TRD01';
        END IF;
    END IF;
    IF key_ids IS NOT NULL THEN
        INSERT INTO trainee_keys (trainee_id, wrapped, master_key_id)
        SELECT * FROM unnest(key_ids, key_wrapped, key_masters);
    END IF;
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
    LOCK TABLE traineeregister_events IN EXCLUSIVE MODE;
    NOTIFY traineeregister_events;
    RETURN QUERY
    INSERT INTO traineeregister_events (originator_id, originator_version, topic, state)
    SELECT * FROM unnest(ids, versions, topics, states)
    RETURNING notification_id;
END;
$$;

-- The earlier append keeps its signature for processes of the previous release still running
-- during an upgrade; it is now the same save without keys or a duplicate check.
CREATE OR REPLACE FUNCTION trainees_append(
    ids uuid[], versions bigint[], topics text[], states bytea[], views json
) RETURNS SETOF bigint
LANGUAGE sql AS $$
    SELECT trainees_save(ids, versions, topics, states, views)
$$;
