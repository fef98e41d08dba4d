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

from axis.eventlog.event import LogSettings
from axis.store.base import BLOB_CHUNK, FileBytes, NewDelivery, NewDocument, StatusEffect
from axis.store.events_postgres import append
from axis.store.events_sqlite import intake_events

INSERT_DOCUMENT = (
    "INSERT INTO documents (id, from_agency, system_id, message_type, document_id, "
    "business_type, original_id, status_code, sha256, size, data, subject, notation, findings, "
    "created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)"
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
        await conn.executemany(
            "INSERT INTO deliveries (id, doc_id, agency, message_type, route, state, created_at, "
            "updated_at) VALUES ($1, $2, $3, $4, $5, 'queued', $6, $6)",
            [(d.id, doc.id, d.agency, d.message_type, d.route, doc.created_at) for d in deliveries],
        )
    await _status_effects(conn, doc, status, pending)
    # Last: the chain lock is held from here to the commit (events_postgres.py).
    await append(conn, intake_events(doc, deliveries, status), settings)


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
