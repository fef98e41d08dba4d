-- axis store, migration 002 for PostgreSQL: as 002_refusals.sql, with a BIGSERIAL sequence.

ALTER TABLE deliveries ADD COLUMN route TEXT NOT NULL DEFAULT '';

CREATE TABLE refusals (
    seq          BIGSERIAL PRIMARY KEY,
    at           TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    code         TEXT NOT NULL,
    system_id    TEXT NOT NULL,
    from_agency  TEXT NOT NULL,
    document_id  TEXT NOT NULL DEFAULT '',
    sha256       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX refusals_by_time ON refusals (at);
CREATE INDEX refusals_by_sender ON refusals (from_agency, at);
