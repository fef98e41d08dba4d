-- axis store, migration 011: failure notices (docs/delivery.md "What the sender sees").
-- Portable SQL: both backends run this file.

-- One row per edoc delivery that ended expired or fail, written in the same transaction that
-- ended it: the durable intent to tell the original sender with a hub-made status package.
-- The queue manager issues it later (axis/delivery/notices.py); issued_at '' = not yet.
CREATE TABLE failure_notices (
    delivery_id TEXT PRIMARY KEY,          -- the delivery that failed: one notice each
    doc_id TEXT NOT NULL,                  -- its document
    agency TEXT NOT NULL,                  -- the recipient not reached
    state TEXT NOT NULL,                   -- expired | fail
    reason TEXT NOT NULL,                  -- the delivery's last_error (5.9.1 / 5.9.2 ...)
    created_at TEXT NOT NULL,
    issued_at TEXT NOT NULL DEFAULT '',    -- when the status was stored ('' = pending)
    status_doc TEXT NOT NULL DEFAULT '',   -- the status document's DocId ('' = none)
    note TEXT NOT NULL DEFAULT ''          -- why no status was issued, when none was
);
CREATE INDEX failure_notices_pending ON failure_notices (issued_at, created_at);
