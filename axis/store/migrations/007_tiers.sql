-- axis store, migration 007: the reorganisation (docs/tiers.md). A retired agency id keeps one
-- row per successor here (position orders them; successor '' = retired with no successor), so
-- packages addressed to it are delivered to its successors (2.5.14) or refused (5.5.15).
CREATE TABLE agency_successors (
    id          TEXT NOT NULL,
    successor   TEXT NOT NULL,
    position    INTEGER NOT NULL,
    retired_at  TEXT NOT NULL,
    PRIMARY KEY (id, successor)
);
-- The bridge's outbox: open deliveries routed up ("upstream:<name>").
CREATE INDEX deliveries_by_route ON deliveries (route, state);
