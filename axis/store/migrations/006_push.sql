-- axis store, migration 006: push delivery's schedule on each delivery (docs/delivery.md).
-- Portable SQL: both backends run this file.

-- When a push delivery may next be tried (ISO-8601 UTC; '' = at once). While a node holds it
-- (an attempt in flight) it is the lease's expiry: a node that dies lets it come due again.
ALTER TABLE deliveries ADD COLUMN next_attempt_at TEXT NOT NULL DEFAULT '';
-- Why a delivery was set aside after an unexpected adapter error ('' = not quarantined);
-- `axis quarantine release ID` clears it.
ALTER TABLE deliveries ADD COLUMN quarantine TEXT NOT NULL DEFAULT '';

-- The queue manager's page of due deliveries for one connected system (route).
CREATE INDEX deliveries_push_due ON deliveries (route, state, quarantine, next_attempt_at);
CREATE INDEX deliveries_quarantined ON deliveries (quarantine);
