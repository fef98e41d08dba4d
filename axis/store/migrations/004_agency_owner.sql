-- axis store, migration 004: retired agency ids (docs/decisions.md "Deleted agency ids").
-- An agency deleted while it has document history (sent or received) leaves its id here with
-- the system that owned it: only that system may register the id again, so no later
-- registrant ever sees the former owner's mail or sent history.

CREATE TABLE retired_agencies (
    id          TEXT PRIMARY KEY,
    system_id   TEXT NOT NULL,
    retired_at  TEXT NOT NULL
);
