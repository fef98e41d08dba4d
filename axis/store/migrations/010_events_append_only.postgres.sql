-- axis store, migration 010 for PostgreSQL: as 010_events_append_only.sql, plus TRUNCATE.
-- The delivery log's events table is append-only in the database itself (docs/delivery-log.md
-- "Tamper evidence"): UPDATE, DELETE and TRUNCATE are refused, so changing the log takes
-- deliberate DDL (dropping these triggers). The one update allowed is the chainer's: linking a
-- row not linked yet (hash ''), setting only prev and hash (axis/store/events_postgres.py).

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.hash = ''
       AND (NEW.seq, NEW.at, NEW.kind, NEW.doc_id, NEW.delivery_id, NEW.agency, NEW.system_id,
            NEW.actor, NEW.hop, NEW.code, NEW.ref, NEW.detail)
           IS NOT DISTINCT FROM
           (OLD.seq, OLD.at, OLD.kind, OLD.doc_id, OLD.delivery_id, OLD.agency, OLD.system_id,
            OLD.actor, OLD.hop, OLD.code, OLD.ref, OLD.detail) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'events are append-only (docs/delivery-log.md): % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
