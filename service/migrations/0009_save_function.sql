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
-- raises SQLSTATE TRD01 and nothing is stored. Then the new data keys, and then the append of
-- migration 0006 (the read-model rows upserted, the events table locked so notification ids
-- commit in order and a tailing reader never skips one, the events). Any failure stores
-- nothing: the statement is one transaction.
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
    RETURN QUERY SELECT trainees_append(ids, versions, topics, states, views);
END;
$$;
