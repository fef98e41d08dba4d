-- axis store, migration 014: status packages keep their order on a push endpoint
-- (docs/decisions.md "Status packages keep their order between hubs"). Portable SQL: both
-- backends run this file.

-- On a status package's deliveries: the document it is about and the reporting agency
-- ("<original doc id> <agency>"), and when the hub accepted it; '' on every other delivery.
-- Written at intake (and carried by a reorganisation's moved deliveries): the queue manager
-- does not take a status delivery while one of the same key, accepted earlier, to the same
-- endpoint is still open (push_sqlite.py IN_ORDER).
ALTER TABLE deliveries ADD COLUMN status_key TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN status_at TEXT NOT NULL DEFAULT '';
UPDATE deliveries SET
    status_key = COALESCE((SELECT doc.original_id || ' ' || doc.from_agency FROM documents doc
                           WHERE doc.id = deliveries.doc_id), ''),
    status_at = (SELECT doc.created_at FROM documents doc WHERE doc.id = deliveries.doc_id)
WHERE message_type = 'status' AND state IN ('queued', 'fetched');
-- That look-up, one seek: only open status deliveries are in it (a few at any time, whatever
-- the history), so an edoc adds nothing and a status leaves it when its delivery ends.
CREATE INDEX deliveries_open_statuses ON deliveries (status_key, route, status_at)
    WHERE status_key <> '' AND state IN ('queued', 'fetched');
