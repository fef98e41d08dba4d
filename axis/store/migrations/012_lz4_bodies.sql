-- axis store, migration 012: package bodies compressed with lz4 on PostgreSQL (see the
-- .postgres.sql twin). SQLite stores bodies as they are: nothing to change.
SELECT 1;
