-- The register the API resolves URNs and UKPRNs against: schools (placements, employing
-- schools) and training partners. Seeded with the rows of service/seed/*.csv; operators load
-- the real lists with `trainees schools load FILE` and `trainees partners load FILE`.
CREATE TABLE IF NOT EXISTS schools (
    urn text PRIMARY KEY,
    name text NOT NULL,
    town text,
    postcode text,
    loaded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS training_partners (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    urn text UNIQUE,
    ukprn text UNIQUE,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    CHECK (urn IS NOT NULL OR ukprn IS NOT NULL)
);

INSERT INTO schools (urn, name, town, postcode) VALUES
    ('100000', 'Riverside Primary School', 'London', 'SW1A 1AA'),
    ('100001', 'Hillcrest Academy', 'Manchester', 'M1 1AE'),
    ('100002', 'St Anne''s Church of England School', 'Bristol', 'BS1 4DJ'),
    ('100003', 'Northfield High School', 'Leeds', 'LS1 4AP'),
    ('100004', 'Meadow Lane Infant School', 'Brighton', 'BN1 1AA')
ON CONFLICT (urn) DO NOTHING;

INSERT INTO training_partners (name, urn, ukprn) VALUES
    ('Riverside Teaching School Hub', '100000', NULL),
    ('Northern Lights SCITT', '100003', '10000001'),
    ('University of Eastmoor', NULL, '10000002'),
    ('Coastal Teacher Training Partnership', NULL, '10000003')
ON CONFLICT DO NOTHING;
