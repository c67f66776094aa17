-- Auditors: their tokens and sessions, the record of what they looked at, and tamper evidence
-- for the event store (a hash chain per trainee stream, and seals of every stream's head).

CREATE TABLE IF NOT EXISTS audit_tokens (
    id text PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    name text,
    all_providers boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_on date,
    revoked_at timestamptz
);

-- The providers an audit token may see (none when it sees every provider).
CREATE TABLE IF NOT EXISTS audit_token_providers (
    token_id text NOT NULL REFERENCES audit_tokens (id),
    provider_id uuid NOT NULL REFERENCES providers (id),
    PRIMARY KEY (token_id, provider_id)
);

-- Signed-in sessions of the auditors' web page: the cookie holds a random id, stored hashed.
CREATE TABLE IF NOT EXISTS audit_sessions (
    id_hash text PRIMARY KEY,
    token_id text NOT NULL REFERENCES audit_tokens (id),
    csrf text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

-- Every use of an audit token: who looked, at which trainee (or which query), when, how.
CREATE TABLE IF NOT EXISTS audit_access (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    token_id text NOT NULL,
    trainee_id uuid,
    trainee_slug text,
    action text NOT NULL,
    detail text,
    request_id text
);
CREATE INDEX IF NOT EXISTS audit_access_by_trainee ON audit_access (trainee_id, at);
CREATE INDEX IF NOT EXISTS audit_access_by_token ON audit_access (token_id, at);

-- The events table as the event store creates it, so that it can be chained before the
-- service first opens it (IF NOT EXISTS: nothing changes where it exists already).
CREATE TABLE IF NOT EXISTS traineeregister_events (
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL,
    topic text,
    state bytea,
    notification_id bigserial,
    PRIMARY KEY (originator_id, originator_version)
) WITH (
    autovacuum_enabled = true,
    autovacuum_vacuum_threshold = 100000000,
    autovacuum_vacuum_scale_factor = 0.5,
    autovacuum_analyze_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.01
);
CREATE UNIQUE INDEX IF NOT EXISTS traineeregister_events_notification_id_idx
    ON traineeregister_events (notification_id ASC);

ALTER TABLE traineeregister_events ADD COLUMN IF NOT EXISTS hash bytea;

-- The hash of one event: SHA-256 over the previous event's hash in the same stream (32 zero
-- bytes for the first), the originator id (16 bytes), the version (8 bytes, big-endian), the
-- topic's length (4 bytes, big-endian) and UTF-8 bytes, then the stored state as it is.
CREATE OR REPLACE FUNCTION trainees_event_hash(
    prev bytea, originator uuid, version bigint, topic text, state bytea
) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT sha256(
        coalesce(prev, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
        || uuid_send(originator) || int8send(version)
        || int4send(octet_length(coalesce(topic, ''))) || convert_to(coalesce(topic, ''), 'UTF8')
        || coalesce(state, ''::bytea))
$$;

-- Bind each event into its stream's chain as it is inserted, whatever inserts it (the append
-- function, the event store's own statements, COPY). The hash given by the writer is ignored.
CREATE OR REPLACE FUNCTION trainees_chain_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.hash := trainees_event_hash(
        (SELECT e.hash FROM traineeregister_events e
          WHERE e.originator_id = NEW.originator_id
            AND e.originator_version < NEW.originator_version
          ORDER BY e.originator_version DESC LIMIT 1),
        NEW.originator_id, NEW.originator_version, NEW.topic, NEW.state);
    RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS traineeregister_events_chain ON traineeregister_events;
CREATE TRIGGER traineeregister_events_chain
    BEFORE INSERT ON traineeregister_events
    FOR EACH ROW EXECUTE FUNCTION trainees_chain_event();

-- Streams whose chain was recomputed after their stored bytes were rewritten on purpose (for
-- example when personal fields were encrypted in place): verification names these, and seals
-- taken before the rewrite no longer hold for those streams.
CREATE TABLE IF NOT EXISTS audit_rechains (
    id bigserial PRIMARY KEY,
    originator_id uuid NOT NULL,
    rechained_at timestamptz NOT NULL DEFAULT now(),
    events integer NOT NULL,
    head bytea
);
CREATE INDEX IF NOT EXISTS audit_rechains_by_stream ON audit_rechains (originator_id, id);

-- Recompute one stream's chain from its stored bytes, oldest first; returns the events
-- chained. Call it in the transaction that rewrote the stream's rows.
CREATE OR REPLACE FUNCTION trainees_rechain(originator_id uuid) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    stream uuid := originator_id;
    prev bytea;
    r record;
    n integer := 0;
BEGIN
    FOR r IN
        SELECT e.originator_version, e.topic, e.state FROM traineeregister_events e
         WHERE e.originator_id = stream ORDER BY e.originator_version FOR UPDATE
    LOOP
        prev := trainees_event_hash(prev, stream, r.originator_version, r.topic, r.state);
        UPDATE traineeregister_events e SET hash = prev
         WHERE e.originator_id = stream AND e.originator_version = r.originator_version;
        n := n + 1;
    END LOOP;
    INSERT INTO audit_rechains (originator_id, events, head) VALUES (stream, n, prev);
    RETURN n;
END;
$$;

-- Chain the events stored before this migration, stream by stream.
DO $$
DECLARE
    prev bytea;
    last uuid;
    r record;
BEGIN
    FOR r IN
        SELECT originator_id, originator_version, topic, state FROM traineeregister_events
         WHERE hash IS NULL ORDER BY originator_id, originator_version
    LOOP
        IF last IS DISTINCT FROM r.originator_id THEN
            prev := NULL;
            last := r.originator_id;
        END IF;
        prev := trainees_event_hash(prev, r.originator_id, r.originator_version, r.topic, r.state);
        UPDATE traineeregister_events SET hash = prev
         WHERE originator_id = r.originator_id AND originator_version = r.originator_version;
    END LOOP;
END;
$$;

-- Seals: each records the store as it stood at one notification position. A seal lists the
-- head (version and hash) of every stream that changed since the seal before it; its digest
-- chains the previous seal's digest with those heads, so the newest digest commits to the head
-- of every stream ever sealed.
CREATE TABLE IF NOT EXISTS audit_seals (
    id bigserial PRIMARY KEY,
    sealed_at timestamptz NOT NULL DEFAULT now(),
    position bigint NOT NULL,
    streams integer NOT NULL,
    events bigint NOT NULL,
    digest bytea NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_seal_heads (
    seal_id bigint NOT NULL REFERENCES audit_seals (id),
    originator_id uuid NOT NULL,
    version bigint NOT NULL,
    hash bytea NOT NULL,
    PRIMARY KEY (seal_id, originator_id)
);
CREATE INDEX IF NOT EXISTS audit_seal_heads_by_stream ON audit_seal_heads (originator_id, seal_id);
