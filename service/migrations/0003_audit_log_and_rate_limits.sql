-- The audit log read model, filled from the notification log by the projection worker:
-- one row per event, keyed by its notification id.
CREATE TABLE IF NOT EXISTS audit_log (
    notification_id bigint PRIMARY KEY,
    trainee_id uuid NOT NULL,
    trainee_slug text,
    event text NOT NULL,
    occurred_at timestamptz NOT NULL,
    source text,
    provider_id text,
    token_id text,
    api_version text,
    request_id text
);

CREATE INDEX IF NOT EXISTS audit_log_by_trainee ON audit_log (trainee_id, notification_id);
CREATE INDEX IF NOT EXISTS audit_log_by_provider ON audit_log (provider_id, occurred_at);
CREATE INDEX IF NOT EXISTS audit_log_by_request ON audit_log (request_id)
    WHERE request_id IS NOT NULL;

INSERT INTO projection_state (name, position) VALUES ('audit_log', 0) ON CONFLICT DO NOTHING;

-- Request counters shared by every API replica: one row per client (token hash or IP address)
-- holding its current fixed window and the hits in it. Unlogged: the counters are worth less
-- than the WAL they would cost, and a crash only forgets the current minute.
CREATE UNLOGGED TABLE IF NOT EXISTS rate_limit_counters (
    key text PRIMARY KEY,
    window_start bigint NOT NULL,
    hits integer NOT NULL
) WITH (fillfactor = 50);
