-- axis store, migration 013 on PostgreSQL: the same drops as 013_redundant_indexes.sql; its
-- documents_by_sha is UNIQUE (from_agency, sha256), so dedupe's look-up already seeks it.
DROP INDEX IF EXISTS console_events_by_doc;
DROP INDEX IF EXISTS deliveries_by_route;
DROP INDEX IF EXISTS deliveries_quarantined;
CREATE INDEX deliveries_quarantined ON deliveries (updated_at, id) WHERE quarantine > '';
