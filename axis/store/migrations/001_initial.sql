-- axis store, migration 001: directory, documents, deliveries, statuses, events.
-- SQLite dialect kept close to portable SQL: TEXT ids, INTEGER counters, BLOB for the exact bytes
-- (a PostgreSQL backend ships its own migrations: BYTEA, BIGSERIAL), times as ISO-8601 UTC text.

CREATE TABLE systems (
    system_id   TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);

-- One row per agency (OrganId). A recipient is served either by a system connected here
-- (system_id) or through an upstream hub (upstream, a hub name); bridging comes later.
CREATE TABLE agencies (
    id          TEXT PRIMARY KEY,
    pid         TEXT NOT NULL DEFAULT '',
    code        TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL DEFAULT '',
    mail        TEXT NOT NULL DEFAULT '',
    mobile      TEXT NOT NULL DEFAULT '',
    fax         TEXT NOT NULL DEFAULT '',
    system_id   TEXT,
    upstream    TEXT
);
CREATE INDEX agencies_by_system ON agencies (system_id);
CREATE INDEX agencies_by_parent ON agencies (pid);

-- Every accepted package, edoc or status, with its exact received bytes.
CREATE TABLE documents (
    id             TEXT PRIMARY KEY,          -- the hub DocId returned by /sendEdoc
    from_agency    TEXT NOT NULL,
    system_id      TEXT NOT NULL,             -- the sending system
    message_type   TEXT NOT NULL,             -- edoc | status
    document_id    TEXT NOT NULL DEFAULT '',  -- MessageHeader/DocumentId (status: ResponseFor/DocumentId)
    business_type  INTEGER NOT NULL DEFAULT 0,
    original_id    TEXT,                      -- hub id of the document a 1/2/3 or status refers to
    status_code    TEXT NOT NULL DEFAULT '',
    sha256         TEXT NOT NULL,
    size           INTEGER NOT NULL,
    data           BLOB NOT NULL,
    subject        TEXT NOT NULL DEFAULT '',
    notation       TEXT NOT NULL DEFAULT '',
    findings       TEXT NOT NULL DEFAULT '[]',
    created_at     TEXT NOT NULL
);
CREATE INDEX documents_by_sha ON documents (from_agency, sha256);
CREATE INDEX documents_by_docid ON documents (document_id, from_agency);

-- One row per (package, recipient): the receiver's docId and the transport state.
CREATE TABLE deliveries (
    id             TEXT PRIMARY KEY,          -- the docId the receiver lists, fetches and acks
    doc_id         TEXT NOT NULL REFERENCES documents (id),
    agency         TEXT NOT NULL,
    message_type   TEXT NOT NULL,
    state          TEXT NOT NULL,             -- queued | fetched | done | fail
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT NOT NULL DEFAULT '',
    biz_status     TEXT NOT NULL DEFAULT '',  -- the recipient's latest business status (edoc)
    biz_status_at  TEXT NOT NULL DEFAULT '',
    pending_change INTEGER NOT NULL DEFAULT 0, -- 1/2/3/13 while a recall/update awaits 15/16
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX deliveries_inbox ON deliveries (agency, message_type, state);
CREATE INDEX deliveries_by_doc ON deliveries (doc_id, agency);

-- Every business status reported on a document (duplicate and order rules).
CREATE TABLE statuses (
    original_id  TEXT NOT NULL,
    agency       TEXT NOT NULL,
    code         TEXT NOT NULL,
    status_doc   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX statuses_by_doc ON statuses (original_id, agency);

-- Append-only history: one row per state transition.
CREATE TABLE events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    doc_id       TEXT NOT NULL DEFAULT '',
    delivery_id  TEXT NOT NULL DEFAULT '',
    agency       TEXT NOT NULL DEFAULT '',
    system_id    TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT ''
);
