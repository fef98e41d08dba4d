-- axis store, migration 013: two indexes every write paid for and no query needed
-- (docs/performance.md "The console's indexes on the hot path"; portable SQL, both backends).
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
