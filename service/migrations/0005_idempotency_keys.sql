-- The answers to write requests sent with an Idempotency-Key, per token (by the token's SHA-256
-- hash): a repeat of the same request is answered from here instead of being applied again.
-- A row is kept 24 hours, then deleted (docs/operations.md). The answer's body is one column,
-- so that it can be encrypted or erased on its own.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    token_hash text NOT NULL,
    key text NOT NULL,
    fingerprint bytea NOT NULL,  -- SHA-256 of the method, path, query and body of the request
    started_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    status integer,  -- NULL while the first request runs
    headers jsonb,  -- the answer's Content-Type and ETag
    body bytea,  -- the answer's body (it can carry personal data)
    PRIMARY KEY (token_hash, key)
);

CREATE INDEX IF NOT EXISTS idempotency_keys_by_expiry ON idempotency_keys (expires_at);
