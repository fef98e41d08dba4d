-- axis store, migration 009: the IT staff console (docs/console.md): operators, their sessions,
-- and the indexes its pages need to stay fast on a million documents (keyset paging: every
-- list walks one of these in order and stops after a page). Portable SQL: both backends run it.

-- Console operators; password_hash is an Argon2id PHC string (never the password).
CREATE TABLE operators (
    name           TEXT PRIMARY KEY,
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

-- Server-side sessions: the cookie carries a random token, the table only its SHA-256, so a
-- copy of the database does not log anyone in. csrf is the session's form token.
CREATE TABLE console_sessions (
    token_sha256   TEXT PRIMARY KEY,
    operator       TEXT NOT NULL,
    csrf           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL
);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);

-- Document search, newest first: by time (with the type, for daily counts), sender, notation.
-- None leads with message_type: getSentEdocList must keep its plan (agencies -> sender).
CREATE INDEX console_documents_by_time ON documents (created_at, id, message_type);
CREATE INDEX console_documents_by_sender ON documents (from_agency, created_at, id);
CREATE INDEX console_documents_by_notation ON documents (notation, created_at, id);
-- The statuses and updates that refer to a document (its page).
CREATE INDEX console_documents_by_original ON documents (original_id);
-- Search by recipient, newest first (a delivery is created with its document).
CREATE INDEX console_deliveries_by_recipient ON deliveries (agency, created_at, doc_id);
-- Open deliveries only (partial indexes: done is most rows): waiting/failing oldest first, and
-- the queue's shape per destination. Console queries say "state <> 'done'" to use them; the
-- inbox's own query (state IN (...), sqlite_queries.py) keeps its plan through deliveries_inbox.
CREATE INDEX console_open_by_state ON deliveries (state, created_at, id) WHERE state <> 'done';
CREATE INDEX console_open_by_route ON deliveries (route, state, created_at) WHERE state <> 'done';
-- Business status counts and overdue acknowledgements (edocs without a status yet).
CREATE INDEX console_deliveries_by_biz ON deliveries (biz_status, message_type, created_at, id);
-- Refusals by code.
CREATE INDEX console_refusals_by_code ON refusals (code, at, seq);
-- A document's timeline: its events and its deliveries' events.
CREATE INDEX console_events_by_doc ON events (doc_id);
CREATE INDEX console_events_by_delivery ON events (delivery_id);
