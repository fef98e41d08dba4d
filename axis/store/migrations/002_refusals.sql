-- axis store, migration 002: the route of each delivery, and refusals recorded durably.
-- Portable SQL (ALTER TABLE ... ADD COLUMN with a default; TEXT times as ISO-8601 UTC).

-- How each delivery is reached: the local system id that delivers it ('' while its agency has
-- no system yet), or 'upstream:<hub>' once forwarding exists. Rows from before: ''.
ALTER TABLE deliveries ADD COLUMN route TEXT NOT NULL DEFAULT '';

-- Refused packages read far enough to know them (sender known, DocumentId parsed): what was
-- refused and why, never the body (its SHA-256 only). Pruned after store.refusals_keep_days.
CREATE TABLE refusals (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
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
