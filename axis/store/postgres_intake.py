"""The rows of one accepted package on PostgreSQL: document, deliveries, status effects, event.

Part of the PostgreSQL store (postgres.py opens the transaction, usually the one that holds the
package's claims). The same facts as sqlite_intake.py writes, in PostgreSQL's dialect; a large
package spooled at the door (FileBytes) goes into document_chunks one chunk at a time, so its
bytes are never whole in the hub's memory.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from axis.eventlog.event import CONTENT_FIELDS, LogSettings
from axis.store.base import (
    BLOB_CHUNK,
    FileBytes,
    NewDelivery,
    NewDocument,
    StatusEffect,
    status_order,
)
from axis.store.events_postgres import APPEND_LOCK, append
from axis.store.events_sqlite import intake_events, stamped_columns

INSERT_DOCUMENT = (
    "INSERT INTO documents (id, from_agency, system_id, message_type, document_id, "
    "business_type, original_id, status_code, sha256, size, data, subject, notation, findings, "
    "created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)"
)
_EVENT_ARRAYS = ", ".join(f"${n}::text[]" for n in range(22, 22 + len(CONTENT_FIELDS)))
_STATUS_ORDER = 22 + len(CONTENT_FIELDS)  # then the deliveries' status_key, status_at
# The common package (bytes inline, no status effect) in ONE statement: document, deliveries
# and events (was one round trip each). Each sub-statement sees the same snapshot; the
# deliveries' foreign key is checked at the statement's end, when the document is there. The
# events come last as in events_postgres.append: the shared APPEND_LOCK ($20) is taken
# before they get their seq and held until the commit ($21: the delivery log is on).
INSERT_PACKAGE = (
    f"WITH doc AS ({INSERT_DOCUMENT}), "
    "dels AS (INSERT INTO deliveries (id, doc_id, agency, message_type, route, state, "
    "created_at, updated_at, status_key, status_at) SELECT d.id, $1, d.agency, d.message_type, "
    f"d.route, 'queued', $15, $15, ${_STATUS_ORDER}::text, ${_STATUS_ORDER + 1}::text "
    "FROM unnest($16::text[], $17::text[], $18::text[], $19::text[]) "
    "AS d(id, agency, message_type, route)), "
    "held AS (SELECT pg_advisory_xact_lock_shared($20) WHERE $21) "
    f"INSERT INTO events ({', '.join(CONTENT_FIELDS)}) SELECT e.* FROM held, "
    f"unnest({_EVENT_ARRAYS}) AS e({', '.join(CONTENT_FIELDS)})"
)


async def write_incoming(
    conn: Any,
    doc: NewDocument,
    deliveries: Sequence[NewDelivery],
    status: StatusEffect | None,
    pending: Sequence[tuple[str, Sequence[str], int]],
    settings: LogSettings,
) -> None:
    """Every row of one package and its events, inside the caller's open transaction."""
    if is_common(doc, status, pending):
        assert not isinstance(doc.data, FileBytes)
        await write_common(conn, doc, doc.data, deliveries, settings)
        return
    spooled = isinstance(doc.data, FileBytes)
    size = doc.data.size if isinstance(doc.data, FileBytes) else len(doc.data)
    await conn.execute(
        INSERT_DOCUMENT,
        doc.id, doc.from_agency, doc.system_id, doc.message_type, doc.document_id,
        doc.business_type, doc.original_id, doc.status_code, doc.sha256, size,
        None if spooled else doc.data, doc.subject, doc.notation,
        json.dumps(doc.findings, ensure_ascii=False), doc.created_at,
    )  # fmt: skip
    if isinstance(doc.data, FileBytes):
        for seq, chunk in enumerate(doc.data.chunks(BLOB_CHUNK)):
            await conn.execute(
                "INSERT INTO document_chunks (doc_id, seq, data) VALUES ($1, $2, $3)",
                doc.id, seq, chunk,
            )  # fmt: skip
    if deliveries:
        key, at = status_order(doc)
        await conn.executemany(
            "INSERT INTO deliveries (id, doc_id, agency, message_type, route, state, created_at, "
            "updated_at, status_key, status_at) "
            "VALUES ($1, $2, $3, $4, $5, 'queued', $6, $6, $7, $8)",
            [
                (d.id, doc.id, d.agency, d.message_type, d.route, doc.created_at, key, at)
                for d in deliveries
            ],
        )
    await _status_effects(conn, doc, status, pending)
    # Last: the chain lock is held from here to the commit (events_postgres.py).
    await append(conn, intake_events(doc, deliveries, status), settings)


def is_common(
    doc: NewDocument, status: StatusEffect | None, pending: Sequence[tuple[str, Sequence[str], int]]
) -> bool:
    """Bytes inline and no status effect: the whole package is one statement (INSERT_PACKAGE),
    atomic on its own, so it needs no explicit transaction when no claim is held."""
    return not isinstance(doc.data, FileBytes) and status is None and not pending


async def write_common(
    conn: Any,
    doc: NewDocument,
    data: bytes,
    deliveries: Sequence[NewDelivery],
    settings: LogSettings,
) -> None:
    """INSERT_PACKAGE: one round trip for the rows of a package without status effects."""
    columns = stamped_columns(intake_events(doc, deliveries, None), settings)
    await conn.execute(
        INSERT_PACKAGE,
        doc.id, doc.from_agency, doc.system_id, doc.message_type, doc.document_id,
        doc.business_type, doc.original_id, doc.status_code, doc.sha256, len(data),
        data, doc.subject, doc.notation,
        json.dumps(doc.findings, ensure_ascii=False), doc.created_at,
        [d.id for d in deliveries], [d.agency for d in deliveries],
        [d.message_type for d in deliveries], [d.route for d in deliveries],
        APPEND_LOCK, settings.enabled and bool(columns[0]),
        *columns,
        *status_order(doc),
    )  # fmt: skip


async def _status_effects(
    conn: Any,
    doc: NewDocument,
    status: StatusEffect | None,
    pending: Sequence[tuple[str, Sequence[str], int]],
) -> None:
    changes = list(pending)
    if status is not None:
        await conn.execute(
            "INSERT INTO statuses (original_id, agency, code, status_doc, created_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            status.original_id, status.reporter, status.code, doc.id, doc.created_at,
        )  # fmt: skip
        await conn.execute(
            "UPDATE deliveries SET biz_status = $1, biz_status_at = $2, updated_at = $2 "
            "WHERE doc_id = $3 AND agency = $4",
            status.code, doc.created_at, status.original_id, status.reporter,
        )  # fmt: skip
        if status.pending_value is not None:
            changes.append((status.original_id, status.pending_agencies, status.pending_value))
    rows = [
        (value, original, agency) for original, agencies, value in changes for agency in agencies
    ]
    if rows:
        await conn.executemany(
            "UPDATE deliveries SET pending_change = $1 WHERE doc_id = $2 AND agency = $3", rows
        )
