-- axis store, migration 015: the queue manager takes an endpoint's due deliveries oldest
-- first, by seeking them (docs/delivery.md "Order and backlog"). Portable SQL: both backends
-- run this file.

-- The take orders by (next_attempt_at, created_at, id). With only next_attempt_at in the index
-- every new delivery ties ('' = at once), so each take sorted every due row of the endpoint
-- (a backlog of 30,000 after an outage: 30,000 rows sorted per take of 16) and took the
-- ties in random id order. The full order in the index: a take reads the rows it takes.
DROP INDEX IF EXISTS deliveries_push_due;
CREATE INDEX deliveries_push_due
    ON deliveries (route, state, quarantine, next_attempt_at, created_at, id);
