-- The provider's listed trainees (GET /trainees) with what its filters read, so that the page's
-- count is an index-only scan instead of a visit to every matching row. It replaces the index
-- of migration 0001 on the same columns: every list query leaves erased trainees out, and a
-- write keeps one index of the two up to date.
CREATE INDEX IF NOT EXISTS trainees_listed
    ON trainees (provider_id, start_cycle_year, updated_at, id)
    INCLUDE (state, itt_start_date, trn_key)
    WHERE erased_at IS NULL;
DROP INDEX IF EXISTS trainees_by_provider_cycle;
