-- axis store, migration 012 for PostgreSQL: package bodies compressed with lz4, not pglz.
-- A 10 KB body is compressed by PostgreSQL's TOAST on every insert; pglz_compress was the
-- server's largest single cost per package (7% of the backends' samples under load,
-- docs/performance.md "Where a PostgreSQL node's server time goes"). lz4 compresses several
-- times faster; existing rows keep their pglz data and read as before. A server built without
-- lz4 keeps pglz.
DO $$
BEGIN
    IF 'lz4' = ANY (SELECT unnest(enumvals) FROM pg_settings
                    WHERE name = 'default_toast_compression') THEN
        ALTER TABLE documents ALTER COLUMN data SET COMPRESSION lz4;
        ALTER TABLE document_chunks ALTER COLUMN data SET COMPRESSION lz4;
    END IF;
END
$$;
