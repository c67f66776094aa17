-- Requests per API version and provider, per day: what operators read before a version's
-- sunset to know whom to tell. Each API process counts in memory and adds its counts here in
-- batches, so no request waits on this table.
CREATE TABLE IF NOT EXISTS version_usage (
    day date NOT NULL,
    version text NOT NULL,
    provider_id text NOT NULL,
    requests bigint NOT NULL,
    last_seen timestamptz NOT NULL,
    PRIMARY KEY (day, version, provider_id)
);
