-- The provider's listed trainees (GET /trainees) with what its filters read, so that the page's
-- count is an index-only scan instead of a visit to every matching row.
CREATE INDEX IF NOT EXISTS trainees_listed
    ON trainees (provider_id, start_cycle_year, updated_at, id)
    INCLUDE (state, itt_start_date, trn_key)
    WHERE erased_at IS NULL;
