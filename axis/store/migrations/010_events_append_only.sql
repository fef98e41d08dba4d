-- axis store, migration 010: the delivery log's events table is append-only in the database
-- itself (docs/delivery-log.md "Tamper evidence"). An UPDATE or DELETE of an event row is
-- refused, so changing the log takes deliberate DDL (dropping these triggers), not a stray
-- statement; `axis log verify` still finds whatever such DDL allowed. The one update allowed
-- is the chain's own: linking a row not linked yet (hash '': rows from before migration 005,
-- chained once at open), setting only prev and hash.

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NOT (OLD.hash = '' AND NEW.seq IS OLD.seq AND NEW.at IS OLD.at AND NEW.kind IS OLD.kind
    AND NEW.doc_id IS OLD.doc_id AND NEW.delivery_id IS OLD.delivery_id
    AND NEW.agency IS OLD.agency AND NEW.system_id IS OLD.system_id AND NEW.actor IS OLD.actor
    AND NEW.hop IS OLD.hop AND NEW.code IS OLD.code AND NEW.ref IS OLD.ref
    AND NEW.detail IS OLD.detail)
BEGIN
    SELECT RAISE(ABORT, 'events are append-only (docs/delivery-log.md)');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only (docs/delivery-log.md)');
END;
