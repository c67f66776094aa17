-- Each API replica lends out, from memory, requests the rate limiter has already counted,
-- together with the authentication the counting statement found (service/ratelimit.py). A
-- change that can make a token stop authenticating is announced on the trainees_tokens
-- channel when it commits, and every replica then drops what it lent. The day a token was last
-- used (last_used_on) is not such a change, and announces nothing.
CREATE OR REPLACE FUNCTION trainees_tokens_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('trainees_tokens', '');
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS api_tokens_changed ON api_tokens;
CREATE TRIGGER api_tokens_changed
    AFTER UPDATE OF token_hash, provider_id, expires_on, revoked_at OR DELETE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION trainees_tokens_changed();

DROP TRIGGER IF EXISTS providers_changed ON providers;
CREATE TRIGGER providers_changed
    AFTER UPDATE OF id, ukprn, discarded_at OR DELETE ON providers
    FOR EACH STATEMENT EXECUTE FUNCTION trainees_tokens_changed();
