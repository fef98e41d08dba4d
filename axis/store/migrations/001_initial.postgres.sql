-- axis store, migration 001 for PostgreSQL: the same tables as 001_initial.sql, in PostgreSQL's
-- dialect, plus what several nodes on one database need (axis/store/postgres.py):
-- unique indexes that make the database refuse a second copy, chunked bytes of large packages,
-- the shared replay cache. Times stay ISO-8601 UTC text, as on SQLite (one format, one order).

CREATE TABLE systems (
    system_id   TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);

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

-- data is NULL when the bytes are in document_chunks (a package spooled at the door).
CREATE TABLE documents (
    id             TEXT PRIMARY KEY,
    from_agency    TEXT NOT NULL,
    system_id      TEXT NOT NULL,
    message_type   TEXT NOT NULL,
    document_id    TEXT NOT NULL DEFAULT '',
    business_type  INTEGER NOT NULL DEFAULT 0,
    original_id    TEXT,
    status_code    TEXT NOT NULL DEFAULT '',
    sha256         TEXT NOT NULL,
    size           BIGINT NOT NULL,
    data           BYTEA,
    subject        TEXT NOT NULL DEFAULT '',
    notation       TEXT NOT NULL DEFAULT '',
    findings       TEXT NOT NULL DEFAULT '[]',
    created_at     TEXT NOT NULL
);
-- The database itself refuses a second copy of the same bytes from one sender (dedupe, 2.6.1)
-- and a reused DocumentId for a new document (5.6.2), whatever node stores it.
CREATE UNIQUE INDEX documents_by_sha ON documents (from_agency, sha256);
CREATE INDEX documents_by_docid ON documents (document_id, from_agency);
CREATE UNIQUE INDEX documents_new_docid ON documents (from_agency, document_id)
    WHERE message_type = 'edoc' AND business_type = 0;

-- A large package's bytes in pieces of base.BLOB_CHUNK (docs/decisions.md "Large packages on
-- PostgreSQL"): written and read one row at a time, in bounded memory.
CREATE TABLE document_chunks (
    doc_id  TEXT NOT NULL REFERENCES documents (id),
    seq     INTEGER NOT NULL,
    data    BYTEA NOT NULL,
    PRIMARY KEY (doc_id, seq)
);
-- Base64 attachments gain little from pglz: store them out of line, uncompressed (less CPU).
ALTER TABLE document_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE deliveries (
    id             TEXT PRIMARY KEY,
    doc_id         TEXT NOT NULL REFERENCES documents (id),
    agency         TEXT NOT NULL,
    message_type   TEXT NOT NULL,
    state          TEXT NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT NOT NULL DEFAULT '',
    biz_status     TEXT NOT NULL DEFAULT '',
    biz_status_at  TEXT NOT NULL DEFAULT '',
    pending_change INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX deliveries_inbox ON deliveries (agency, message_type, state);
CREATE INDEX deliveries_by_doc ON deliveries (doc_id, agency);

CREATE TABLE statuses (
    original_id  TEXT NOT NULL,
    agency       TEXT NOT NULL,
    code         TEXT NOT NULL,
    status_doc   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX statuses_by_doc ON statuses (original_id, agency);

CREATE TABLE events (
    seq          BIGSERIAL PRIMARY KEY,
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    doc_id       TEXT NOT NULL DEFAULT '',
    delivery_id  TEXT NOT NULL DEFAULT '',
    agency       TEXT NOT NULL DEFAULT '',
    system_id    TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT ''
);

-- Requests' signed hash-headers seen by any node (5.8.4): the first 16 bytes of the HMAC.
CREATE TABLE replay_keys (
    key         BYTEA PRIMARY KEY,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX replay_keys_expiry ON replay_keys (expires_at);

-- Work that belongs to one node at a time (postgres_leases.py): who holds it, until when.
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL DEFAULT '',
    expires_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
