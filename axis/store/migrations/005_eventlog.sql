-- axis store, migration 005: the tamper-evident delivery log (docs/delivery-log.md).
-- Events gain who did it (actor), where (hop: the hub that recorded it), a result or status
-- code, the edXML DocumentId (ref) and their place in the hash chain (prev, hash: hex SHA-256).
-- Rows written before this migration are chained by the store when it first opens
-- (axis/store/events_sqlite.py, events_postgres.py). Portable SQL except the seals' sequence.

ALTER TABLE events ADD COLUMN actor TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN hop TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN code TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN ref TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN prev TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE INDEX events_by_doc ON events (doc_id);
CREATE INDEX events_by_ref ON events (ref) WHERE ref <> '';  -- queries repeat ref <> ''
CREATE INDEX events_by_kind ON events (kind, at);

-- When the recipient acknowledged done (the same-working-day share of `axis stats`).
ALTER TABLE deliveries ADD COLUMN acked_at TEXT NOT NULL DEFAULT '';

-- Hub-signed checkpoints: the chain up to event `seq` ends in `hash` (axis/eventlog/seal.py).
CREATE TABLE event_seals (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    at         TEXT NOT NULL,
    hub        TEXT NOT NULL,
    signature  TEXT NOT NULL,  -- base64, over axis.eventlog.seal.signed_text
    cert       TEXT NOT NULL   -- the hub certificate (PEM) whose key signed it
);
