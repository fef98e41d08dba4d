-- axis store, migration 013: indexes the hot path paid for without need, and dedupe's plan
-- (docs/decisions.md "SQLite's page cache"; PostgreSQL runs the .postgres.sql twin instead).
-- console_events_by_doc (009) repeats events_by_doc (005) column for column.
DROP INDEX IF EXISTS console_events_by_doc;
-- deliveries_by_route (route, state) (007) is a prefix of deliveries_push_due (route, state,
-- quarantine, next_attempt_at) (006): every (route, state) seek can use the longer one, and a
-- delivery's state change no longer rewrites a third index entry.
DROP INDEX IF EXISTS deliveries_by_route;
-- deliveries_quarantined (006) held an entry for every delivery, nearly all with quarantine
-- ''; only quarantined ones are ever looked up (push_sqlite.py, push_postgres.py: quarantine >
-- ''), oldest first. Partial: a normal delivery adds nothing to it.
DROP INDEX IF EXISTS deliveries_quarantined;
CREATE INDEX deliveries_quarantined ON deliveries (updated_at, id) WHERE quarantine > '';
-- Dedupe's look-up (sqlite_queries.py DEDUPE_LOOKUP: from_agency = ? AND sha256 = ? ORDER BY
-- created_at LIMIT 1) on a new package: with only (from_agency, sha256) here, SQLite's planner
-- preferred console_documents_by_sender (from_agency, created_at, id) for the ORDER BY and
-- walked every document the sender ever sent, so intake slowed with the store's size. With
-- created_at in this index it seeks the answer directly (tests/perf/test_intake_cost.py).
-- PostgreSQL's documents_by_sha is UNIQUE (001_initial.postgres.sql) and stays as it is.
DROP INDEX IF EXISTS documents_by_sha;
CREATE INDEX documents_by_sha ON documents (from_agency, sha256, created_at);
