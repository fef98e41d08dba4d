-- axis store, migration 008: bearer tokens of the provincial gateway's REST dialect
-- (axis/gateway/tokens.py, docs/gateway.md). Only the SHA-256 of each token is kept (a leaked
-- table grants nothing); every hub node on one PostgreSQL database accepts a token another node
-- issued. Times are the store's ISO-8601 UTC text, so they compare as strings on both backends.

CREATE TABLE gateway_tokens (
    token_sha256  TEXT PRIMARY KEY,
    system_id     TEXT NOT NULL,
    issued_at     TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX gateway_tokens_expiry ON gateway_tokens (expires_at);
