-- Personal data sealed per trainee (docs/personal-data.md): each trainee's data key, wrapped by
-- the master key and destroyed on erasure; the deployment's hashing key, wrapped the same way.
CREATE TABLE IF NOT EXISTS trainee_keys (
    trainee_id uuid PRIMARY KEY,
    wrapped bytea,          -- NULL once the trainee was erased
    master_key_id text,     -- the master key that wraps it
    made_at timestamptz NOT NULL DEFAULT now(),
    destroyed_at timestamptz
);
CREATE INDEX IF NOT EXISTS trainee_keys_by_master ON trainee_keys (master_key_id)
    WHERE wrapped IS NOT NULL;

CREATE TABLE IF NOT EXISTS keyring_secrets (
    name text PRIMARY KEY,
    wrapped bytea NOT NULL,
    master_key_id text NOT NULL
);

-- How far the sealing of the events stored in plaintext before this migration has gone.
CREATE TABLE IF NOT EXISTS personal_data_backfill (
    id integer PRIMARY KEY CHECK (id = 1),
    position uuid,
    sealed bigint NOT NULL DEFAULT 0,
    finished_at timestamptz
);

-- The read model keeps the personal members of each document sealed apart, and keyed hashes
-- instead of the values the duplicate check and the filters compare. Rows written before stay
-- readable as they are until `trainees personal-data seal` rewrites them.
ALTER TABLE trainees RENAME COLUMN trn TO trn_key;
ALTER TABLE trainees RENAME COLUMN date_of_birth TO date_of_birth_key;
ALTER TABLE trainees ALTER COLUMN date_of_birth_key TYPE text USING date_of_birth_key::text;
ALTER TABLE trainees ADD COLUMN IF NOT EXISTS provider_trainee_id_key text;
ALTER TABLE trainees ADD COLUMN IF NOT EXISTS sealed bytea;
ALTER TABLE trainees ADD COLUMN IF NOT EXISTS erased_at timestamptz;

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
    LOCK TABLE traineeregister_events IN EXCLUSIVE MODE;
    NOTIFY traineeregister_events;
    RETURN QUERY
    INSERT INTO traineeregister_events (originator_id, originator_version, topic, state)
    SELECT * FROM unnest(ids, versions, topics, states)
    RETURNING notification_id;
END;
$$;
