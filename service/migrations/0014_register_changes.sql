-- Each API process keeps what the school and partner register held of the URNs and UKPRNs
-- requests named (service/registers.py), so that writes naming the same schools ask
-- the database once. A change to either table (`trainees schools load`, `trainees partners
-- load`, or any statement of an operator's) is announced on the trainees_register channel
-- when it commits, and every process then drops what it kept (service/changes.py).
CREATE OR REPLACE FUNCTION trainees_register_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('trainees_register', '');
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS schools_changed ON schools;
CREATE TRIGGER schools_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON schools
    FOR EACH STATEMENT EXECUTE FUNCTION trainees_register_changed();

DROP TRIGGER IF EXISTS training_partners_changed ON training_partners;
CREATE TRIGGER training_partners_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON training_partners
    FOR EACH STATEMENT EXECUTE FUNCTION trainees_register_changed();
