-- Providers, their API tokens, and the trainee read model.
CREATE TABLE providers (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    ukprn text NOT NULL UNIQUE,
    accreditation_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    discarded_at timestamptz
);

CREATE TABLE api_tokens (
    id text PRIMARY KEY,
    provider_id uuid NOT NULL REFERENCES providers (id),
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_on date,
    revoked_at timestamptz,
    last_used_on date
);

CREATE TABLE trainees (
    id uuid PRIMARY KEY,
    slug text NOT NULL,
    slug_key text NOT NULL UNIQUE,
    provider_id uuid NOT NULL,
    version integer NOT NULL,
    state text NOT NULL,
    trn text,
    itt_start_date date,
    start_cycle_year integer,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    last_name_key text,
    first_name_key text,
    email_key text,
    date_of_birth date,
    training_route text,
    doc json NOT NULL
);

CREATE INDEX trainees_by_provider_cycle ON trainees (provider_id, start_cycle_year, updated_at, id);
CREATE INDEX trainees_by_identity ON trainees (provider_id, date_of_birth, last_name_key);

-- What each projection has applied: its notification position and when it was last rebuilt.
CREATE TABLE projection_state (
    name text PRIMARY KEY,
    position bigint NOT NULL DEFAULT 0,
    rebuilt_at timestamptz
);
