"""Read queries of the SQLite store: directory, intake look-ups, inboxes and sent lists.

Part of axis/store (the only place with SQL). All of these run on the reader connection, which
WAL lets proceed while the writer commits. Authorisation joins through ``agencies.system_id``:
a system sees what is addressed to (or sent by) the agencies it serves (docs/domain.md §7).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from axis.store.base import (
    AgencyRow,
    DocumentRef,
    InboxRow,
    RecipientState,
    Refusal,
    SentRow,
    SystemRow,
)

_DOC_COLUMNS = (
    "id, from_agency, system_id, message_type, document_id, business_type, original_id, "
    "status_code, sha256, size, subject, notation, created_at, findings"
)
# Intake's dedupe in one read: the oldest copy of these bytes from this sender (or NULLs), and
# whether the sender already used this DocumentId for a new edoc (docs/domain.md §7).
DEDUPE_LOOKUP = (
    "SELECT "
    + ", ".join(f"d.{c.strip()}" for c in _DOC_COLUMNS.split(","))
    + ", EXISTS (SELECT 1 FROM documents WHERE document_id = ? AND from_agency = ? "
    "AND message_type = 'edoc' AND business_type = 0) "
    f"FROM (SELECT 1 AS one) AS x LEFT JOIN (SELECT {_DOC_COLUMNS} FROM documents "
    "WHERE from_agency = ? AND sha256 = ? ORDER BY created_at LIMIT 1) AS d ON 1 = 1"
)
_AGENCY_COLUMNS = "id, pid, code, name, mail, mobile, fax, system_id, upstream"
INBOX_SELECT = (
    "SELECT d.id, d.doc_id, d.message_type, doc.from_agency, d.agency, a.system_id, d.state, "
    "d.last_error, d.created_at, d.updated_at FROM deliveries d "
    "JOIN documents doc ON doc.id = d.doc_id LEFT JOIN agencies a ON a.id = d.agency "
)
# getEdoc's one read (fetch_delivery, both backends): the inbox row, then the document's bytes
# when it is at most ? bytes (? < 0: always), its size, and whether it is kept in chunks.
FETCH_SELECT = (
    "SELECT d.id, d.doc_id, d.message_type, doc.from_agency, d.agency, a.system_id, d.state, "
    "d.last_error, d.created_at, d.updated_at, CASE WHEN (? < 0 OR doc.size <= ?) THEN "
    "doc.data END, doc.size, doc.data IS NULL FROM deliveries d "
    "JOIN documents doc ON doc.id = d.doc_id LEFT JOIN agencies a ON a.id = d.agency "
    "WHERE d.id = ?"
)
# SQLite's default limit on host parameters is 32766; stay well below it.
_CHUNK = 500
# Every delivery state but 'done' (schema: queued | fetched | done | fail). Inbox reads name
# them rather than say "!= 'done'": the inbox index (agency, message_type, state) then seeks
# straight to what is pending instead of walking every acknowledged delivery ever kept.
_OPEN_STATES = "d.state IN ('queued', 'fetched', 'fail')"


def _page(limit: int | None, offset: int) -> tuple[str, tuple[int, ...]]:
    return (" LIMIT ? OFFSET ?", (limit, offset)) if limit is not None else ("", ())


class Queries:
    """Mixin over ``_read(sql, params)``; see SqliteStore."""

    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError

    async def acknowledge(self, delivery_id: str, system_id: str, ok: bool, error: str) -> bool:
        raise NotImplementedError  # each backend's own write

    # -- systems --------------------------------------------------------------------------

    async def get_secret(self, system_id: str) -> str | None:
        rows = await self._read("SELECT secret FROM systems WHERE system_id = ?", (system_id,))
        return rows[0][0] if rows else None

    async def list_systems(self) -> list[SystemRow]:
        rows = await self._read(
            "SELECT s.system_id, s.name, s.created_at, "
            "(SELECT COUNT(*) FROM agencies a WHERE a.system_id = s.system_id) "
            "FROM systems s ORDER BY s.system_id"
        )
        return [SystemRow(*row) for row in rows]

    # -- directory ------------------------------------------------------------------------

    async def get_agency(self, agency_id: str) -> AgencyRow | None:
        rows = await self._read(
            f"SELECT {_AGENCY_COLUMNS} FROM agencies WHERE id = ?", (agency_id,)
        )
        return AgencyRow(*rows[0]) if rows else None

    async def get_agencies(self, agency_ids: Sequence[str]) -> dict[str, AgencyRow]:
        found: dict[str, AgencyRow] = {}
        ids = list(dict.fromkeys(agency_ids))
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = await self._read(
                f"SELECT {_AGENCY_COLUMNS} FROM agencies WHERE id IN ({marks})", chunk
            )
            found.update((row[0], AgencyRow(*row)) for row in rows)
        return found

    async def list_agencies(
        self, system_id: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[AgencyRow]:
        where, params = ("WHERE system_id = ? ", (system_id,)) if system_id else ("", ())
        page, page_params = _page(limit, offset)
        rows = await self._read(
            f"SELECT {_AGENCY_COLUMNS} FROM agencies {where}ORDER BY id{page}",
            (*params, *page_params),
        )
        return [AgencyRow(*row) for row in rows]

    async def retired_owner(self, agency_id: str) -> str | None:
        """The system that deleted this agency id with its history (migration 004), if any."""
        rows = await self._read("SELECT system_id FROM retired_agencies WHERE id = ?", (agency_id,))
        return str(rows[0][0]) if rows else None

    async def count_agencies(self) -> int:
        return int((await self._read("SELECT COUNT(*) FROM agencies"))[0][0])

    # -- intake look-ups ------------------------------------------------------------------

    async def find_duplicate(self, from_agency: str, sha256: str) -> DocumentRef | None:
        rows = await self._read(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE from_agency = ? AND sha256 = ? "
            "ORDER BY created_at LIMIT 1",
            (from_agency, sha256),
        )
        return DocumentRef(*rows[0]) if rows else None

    async def dedupe_lookup(
        self, from_agency: str, sha256: str, document_id: str | None
    ) -> tuple[DocumentRef | None, bool]:
        """find_duplicate and document_id_taken in one read (base.Store.dedupe_lookup)."""
        if document_id is None:
            return await self.find_duplicate(from_agency, sha256), False
        rows = await self._read(DEDUPE_LOOKUP, (document_id, from_agency, from_agency, sha256))
        *ref, taken = rows[0]
        return (DocumentRef(*ref) if ref[0] is not None else None), bool(taken)

    async def document_id_taken(self, from_agency: str, document_id: str) -> bool:
        rows = await self._read(
            "SELECT 1 FROM documents WHERE document_id = ? AND from_agency = ? "
            "AND message_type = 'edoc' AND business_type = 0 LIMIT 1",
            (document_id, from_agency),
        )
        return bool(rows)

    async def find_originals(self, document_id: str) -> list[DocumentRef]:
        """New (type 0) edocs with this DocumentId, oldest first, any sender."""
        rows = await self._read(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE document_id = ? "
            "AND message_type = 'edoc' AND business_type = 0 ORDER BY created_at",
            (document_id,),
        )
        return [DocumentRef(*row) for row in rows]

    async def recipients(self, doc_id: str) -> list[RecipientState]:
        rows = await self._read(
            "SELECT id, agency, state, biz_status, pending_change FROM deliveries "
            "WHERE doc_id = ? ORDER BY agency",
            (doc_id,),
        )
        codes: dict[str, list[str]] = {}
        for agency, code in await self._read(
            "SELECT agency, code FROM statuses WHERE original_id = ? ORDER BY created_at",
            (doc_id,),
        ):
            codes.setdefault(agency, []).append(code)
        return [
            RecipientState(delivery_id, agency, state, biz, pending, tuple(codes.get(agency, ())))
            for delivery_id, agency, state, biz, pending in rows
        ]

    async def reported_codes(self, doc_id: str, agency: str) -> tuple[str, ...]:
        """The status codes ``agency`` reported on document ``doc_id``, oldest first."""
        rows = await self._read(
            "SELECT code FROM statuses WHERE original_id = ? AND agency = ? ORDER BY created_at",
            (doc_id, agency),
        )
        return tuple(row[0] for row in rows)

    async def delivery_routes(self, doc_id: str) -> dict[str, str]:
        """The route recorded for each recipient of document ``doc_id``."""
        rows = await self._read("SELECT agency, route FROM deliveries WHERE doc_id = ?", (doc_id,))
        return {agency: route for agency, route in rows}

    async def list_refusals(
        self, from_agency: str | None = None, limit: int = 100
    ) -> list[Refusal]:
        where, params = ("WHERE from_agency = ? ", (from_agency,)) if from_agency else ("", ())
        rows = await self._read(
            "SELECT at, request_id, code, system_id, from_agency, document_id, sha256, reason "
            f"FROM refusals {where}ORDER BY seq DESC LIMIT ?",
            (*params, limit),
        )
        return [Refusal(*row) for row in rows]

    async def get_document(self, doc_id: str) -> DocumentRef | None:
        rows = await self._read(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,))
        return DocumentRef(*rows[0]) if rows else None

    # -- inboxes --------------------------------------------------------------------------

    async def list_received(
        self, system_id: str, message_type: str, limit: int | None = None, offset: int = 0
    ) -> list[InboxRow]:
        """Deliveries not yet acknowledged done, addressed to agencies the system serves."""
        page, page_params = _page(limit, offset)
        rows = await self._read(
            INBOX_SELECT + f"WHERE a.system_id = ? AND d.message_type = ? AND {_OPEN_STATES} "
            f"ORDER BY d.created_at, d.id{page}",
            (system_id, message_type, *page_params),
        )
        return [InboxRow(*row) for row in rows]

    async def count_received(self, system_id: str, message_type: str) -> int:
        rows = await self._read(
            "SELECT COUNT(*) FROM deliveries d JOIN agencies a ON a.id = d.agency "
            f"WHERE a.system_id = ? AND d.message_type = ? AND {_OPEN_STATES}",
            (system_id, message_type),
        )
        return int(rows[0][0])

    async def get_delivery(self, delivery_id: str) -> InboxRow | None:
        rows = await self._read(INBOX_SELECT + "WHERE d.id = ?", (delivery_id,))
        return InboxRow(*rows[0]) if rows else None

    async def acknowledge_own(
        self, delivery_id: str, system_id: str, ok: bool, error: str
    ) -> tuple[InboxRow, bool] | None:
        """base.Store.acknowledge_own as a read then acknowledge() (SQLite: the read is on the
        reader connection, the write in the writer's group commit)."""
        row = await self.get_delivery(delivery_id)
        if row is None or row.agency_system != system_id:
            return None
        return row, await self.acknowledge(delivery_id, system_id, ok, error)

    async def list_sent(
        self, system_id: str, limit: int | None = None, offset: int = 0
    ) -> list[SentRow]:
        """One row per recipient of each edoc sent by an agency the system serves, newest first."""
        page, page_params = _page(limit, offset)
        rows = await self._read(
            "SELECT doc.id, d.id, doc.message_type, doc.from_agency, d.agency, d.state, "
            "d.last_error, d.biz_status, d.biz_status_at, doc.subject, doc.notation, "
            "doc.created_at, d.updated_at FROM documents doc "
            "JOIN agencies a ON a.id = doc.from_agency "
            "JOIN deliveries d ON d.doc_id = doc.id "
            "WHERE a.system_id = ? AND doc.message_type = 'edoc' "
            f"ORDER BY doc.created_at DESC, doc.id, d.agency{page}",  # id: ties page stably
            (system_id, *page_params),
        )
        return [SentRow(*row) for row in rows]

    async def count_documents(self) -> int:
        return int((await self._read("SELECT COUNT(*) FROM documents"))[0][0])

    async def count_events(self) -> int:
        return int((await self._read("SELECT COUNT(*) FROM events"))[0][0])
