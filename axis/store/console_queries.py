"""The console's queries (docs/console.md), portable SQL shared by both backends.

Part of axis/store (the only place with SQL). Every list is keyset-paged: it walks one index of
migration 009 in order from where the last page ended and stops after ``limit + 1`` rows, so a
page costs the same on the first page and the ten-thousandth, on a million documents. A cursor is
the last row's sort key, ``created_at|id``. The backends provide ``_console_read`` (SQLite: a
connection of its own, so a slow search never delays the API's reads) and ``_console_write``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from axis.store.console_rows import (
    DayCount,
    DeliveryRow,
    DocumentDetail,
    DocumentFilter,
    DocumentHit,
    EventRow,
    HubCounts,
    Operator,
    Page,
    QueueLine,
    RecipientLine,
    RefusalCodeLine,
    RefusalRow,
    Session,
    StatusRow,
    WaitingRow,
)

OPEN_STATES = ("queued", "fetched", "fail")
_HIT_COLUMNS = (
    "doc.id, doc.created_at, doc.message_type, doc.from_agency, doc.document_id, doc.notation, "
    "doc.subject, doc.status_code"
)
_DELIVERY_COLUMNS = (
    "d.id, d.doc_id, d.agency, d.route, d.state, d.attempts, d.last_error, d.biz_status, "
    "d.biz_status_at, d.pending_change, d.created_at, d.updated_at"
)
_EVENT_COLUMNS = "seq, at, kind, doc_id, delivery_id, agency, system_id, detail"
_REFUSAL_COLUMNS = "seq, at, request_id, code, system_id, from_agency, document_id, reason"
MAX_PAGE = 200


def cursor_of(*key: object) -> str:
    return "|".join(str(part) for part in key)


def _split(after: str) -> tuple[str, str]:
    at, _, key = after.partition("|")
    return at, key


def _limit(page: Page) -> int:
    return max(1, min(page.limit, MAX_PAGE))


class ConsoleQueries:
    """Mixin for SqliteStore and PostgresStore (console_sqlite.py, console_postgres.py)."""

    async def _console_read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    async def _console_write(self, sql: str, params: Sequence[Any] = ()) -> int:
        raise NotImplementedError

    # -- search ---------------------------------------------------------------------------

    async def search_documents(self, where: DocumentFilter, page: Page) -> list[DocumentHit]:
        """Newest first, ``page.limit + 1`` at most (one more than a page: is there a next?).

        With a recipient, an open state or a business status the walk follows the deliveries
        that match (one delivery row must match them all; it has its document's created_at),
        through the index for that filter; otherwise it walks the documents."""
        clauses: list[str] = []
        params: list[Any] = []
        open_state = where.state if where.state in OPEN_STATES else ""
        by_delivery = [
            (column, value)
            for column, value in (
                ("r.agency", where.recipient),
                ("r.state", open_state),
                ("r.biz_status", where.biz_status),
                ("r.message_type", "edoc" if where.biz_status else ""),  # statuses are on edocs
            )
            if value
        ]
        if by_delivery:
            source = "deliveries r JOIN documents doc ON doc.id = r.doc_id"
            key_at, key_id = "r.created_at", "r.doc_id"
        else:
            source, key_at, key_id = "documents doc", "doc.created_at", "doc.id"
        if open_state:
            clauses.append("r.state <> 'done'")  # the open deliveries' index
        elif where.state and by_delivery:  # done, on the same recipient's delivery
            clauses.append("r.state = ?")
            params.append(where.state)
        elif where.state:  # done: most deliveries, so walk the documents and check each
            clauses.append(
                "EXISTS (SELECT 1 FROM deliveries s WHERE s.doc_id = doc.id AND s.state = ?)"
            )
            params.append(where.state)
        for column, value in (
            *by_delivery,
            ("doc.id", where.hub_id),
            ("doc.document_id", where.document_id),
            ("doc.notation", where.notation),
            ("doc.from_agency", where.sender),
            ("doc.message_type", where.message_type),
        ):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if where.subject:
            clauses.append("doc.subject LIKE ? ESCAPE '\\'")
            params.append(f"%{_escape_like(where.subject)}%")
        if where.since:
            clauses.append(f"{key_at} >= ?")
            params.append(where.since)
        if where.until:
            clauses.append(f"{key_at} < ?")
            params.append(where.until + "T99")  # every time of that day sorts below "T99"
        # Several deliveries of one document may match: keep each document once (its rows are
        # adjacent in this order) and read on from the last row until the page is full.
        wanted = _limit(page) + 1
        found: dict[str, DocumentHit] = {}
        after = _split(page.after) if page.after else None
        while True:
            where_sql = [*clauses, f"({key_at}, {key_id}) < (?, ?)"] if after else clauses
            sql = f"SELECT {_HIT_COLUMNS} FROM {source}"
            sql += (" WHERE " + " AND ".join(where_sql)) if where_sql else ""
            sql += f" ORDER BY {key_at} DESC, {key_id} DESC LIMIT ?"
            rows = await self._console_read(sql, [*params, *(after or ()), wanted])
            for row in rows:
                found.setdefault(row[0], DocumentHit(*row))
            if len(found) >= wanted or len(rows) < wanted:
                break
            after = (rows[-1][1], rows[-1][0])  # created_at, document id
        hits = list(found.values())[:wanted]
        return await self._with_recipients(hits)

    async def _with_recipients(self, hits: list[DocumentHit]) -> list[DocumentHit]:
        if not hits:
            return hits
        marks = ",".join("?" * len(hits))
        rows = await self._console_read(
            f"SELECT doc_id, agency, state, biz_status FROM deliveries WHERE doc_id IN ({marks}) "
            "ORDER BY doc_id, agency",
            [hit.id for hit in hits],
        )
        lines: dict[str, list[RecipientLine]] = {}
        for doc_id, agency, state, biz in rows:
            lines.setdefault(doc_id, []).append(RecipientLine(agency, state, biz))
        return [replace(hit, recipients=tuple(lines.get(hit.id, ()))) for hit in hits]

    # -- one document ---------------------------------------------------------------------

    async def document_detail(self, doc_id: str) -> DocumentDetail:
        deliveries = await self._console_read(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries d WHERE d.doc_id = ? ORDER BY d.agency",
            [doc_id],
        )
        events = await self._console_read(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE doc_id = ? UNION "
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE delivery_id IN "
            "(SELECT id FROM deliveries WHERE doc_id = ?) ORDER BY seq",
            [doc_id, doc_id],
        )
        statuses = await self._console_read(
            "SELECT agency, code, status_doc, created_at FROM statuses WHERE original_id = ? "
            "ORDER BY created_at, code",
            [doc_id],
        )
        related = await self._console_read(
            f"SELECT {_HIT_COLUMNS} FROM documents doc WHERE doc.original_id = ? "
            "ORDER BY doc.created_at, doc.id LIMIT 500",
            [doc_id],
        )
        return DocumentDetail(
            deliveries=tuple(DeliveryRow(*row) for row in deliveries),
            events=tuple(EventRow(*row) for row in events),
            statuses=tuple(StatusRow(*row) for row in statuses),
            related=tuple(DocumentHit(*row) for row in related),
        )

    # -- the queue ------------------------------------------------------------------------

    async def queue_lines(self) -> list[QueueLine]:
        """Open deliveries per destination and state, with the oldest's time."""
        rows = await self._console_read(
            "SELECT route, state, COUNT(*), MIN(created_at) FROM deliveries "
            "WHERE state <> 'done' GROUP BY route, state ORDER BY route, state"
        )
        return [QueueLine(route, state, int(count), oldest) for route, state, count, oldest in rows]

    async def waiting_deliveries(self, state: str, page: Page) -> list[WaitingRow]:
        """Deliveries in one open state, oldest first."""
        params: list[Any] = [state]
        sql = (
            f"SELECT {_DELIVERY_COLUMNS}, doc.from_agency, doc.notation, doc.subject "
            "FROM deliveries d JOIN documents doc ON doc.id = d.doc_id "
            "WHERE d.state = ? AND d.state <> 'done'"  # the open deliveries' index
        )
        if page.after:
            sql += " AND (d.created_at, d.id) > (?, ?)"
            params.extend(_split(page.after))
        sql += " ORDER BY d.created_at, d.id LIMIT ?"
        rows = await self._console_read(sql, [*params, _limit(page) + 1])
        return [WaitingRow(DeliveryRow(*row[:12]), *row[12:]) for row in rows]

    async def overdue_acknowledgements(self, arrived_by: str, page: Page) -> list[WaitingRow]:
        """Edoc deliveries that arrived by ``arrived_by`` and have no business status yet
        (no 01), oldest first (docs/console.md, overdue acknowledgements)."""
        params: list[Any] = [arrived_by]
        sql = (
            f"SELECT {_DELIVERY_COLUMNS}, doc.from_agency, doc.notation, doc.subject "
            "FROM deliveries d JOIN documents doc ON doc.id = d.doc_id "
            "WHERE d.message_type = 'edoc' AND d.biz_status = '' AND d.created_at <= ?"
        )
        if page.after:
            sql += " AND (d.created_at, d.id) > (?, ?)"
            params.extend(_split(page.after))
        sql += " ORDER BY d.created_at, d.id LIMIT ?"
        rows = await self._console_read(sql, [*params, _limit(page) + 1])
        return [WaitingRow(DeliveryRow(*row[:12]), *row[12:]) for row in rows]

    async def count_overdue(self, arrived_by: str) -> int:
        rows = await self._console_read(
            "SELECT COUNT(*) FROM deliveries WHERE message_type = 'edoc' AND biz_status = '' "
            "AND created_at <= ?",
            [arrived_by],
        )
        return int(rows[0][0])

    # -- refusals -------------------------------------------------------------------------

    async def refusal_codes(self) -> list[RefusalCodeLine]:
        rows = await self._console_read(
            "SELECT code, COUNT(*), MIN(at), MAX(at) FROM refusals GROUP BY code ORDER BY code"
        )
        return [RefusalCodeLine(code, int(n), first, last) for code, n, first, last in rows]

    async def refusals_with_code(self, code: str, page: Page) -> list[RefusalRow]:
        """Newest first; ``code`` "" = every code."""
        clauses: list[str] = []
        params: list[Any] = []
        if code:
            clauses.append("code = ?")
            params.append(code)
        if page.after:
            at, seq = _split(page.after)
            clauses.append("(at, seq) < (?, ?)")
            params += [at, int(seq) if seq.isascii() and seq.isdigit() and len(seq) < 19 else 0]
        sql = f"SELECT {_REFUSAL_COLUMNS} FROM refusals"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY at DESC, seq DESC LIMIT ?"
        rows = await self._console_read(sql, [*params, _limit(page) + 1])
        return [RefusalRow(*row) for row in rows]

    # -- statistics -----------------------------------------------------------------------

    async def hub_counts(self) -> HubCounts:
        """Exact totals: documents by type, deliveries by outcome, business statuses, refusals
        by code, the queue. Each is one walk of a covering index (migration 009)."""
        docs = await self._console_read(
            "SELECT message_type, COUNT(*) FROM documents GROUP BY message_type"
        )
        states = await self._console_read("SELECT state, COUNT(*) FROM deliveries GROUP BY state")
        biz = await self._console_read(
            "SELECT biz_status, COUNT(*) FROM deliveries WHERE message_type = 'edoc' "
            "GROUP BY biz_status"
        )
        refused = await self._console_read("SELECT code, COUNT(*) FROM refusals GROUP BY code")
        return HubCounts(
            documents_by_type={kind: int(n) for kind, n in docs},
            deliveries_by_state={state: int(n) for state, n in states},
            biz_status={code: int(n) for code, n in biz},
            refusals_by_code={code: int(n) for code, n in refused},
            queue=tuple(await self.queue_lines()),
        )

    async def documents_per_day(self, message_type: str, since_day: str) -> list[DayCount]:
        rows = await self._console_read(
            "SELECT substr(created_at, 1, 10), COUNT(*) FROM documents "
            "WHERE message_type = ? AND created_at >= ? GROUP BY substr(created_at, 1, 10) "
            "ORDER BY 1",
            [message_type, since_day],
        )
        return [DayCount(day, int(n)) for day, n in rows]

    async def refusals_per_day(self, since_day: str) -> list[DayCount]:
        rows = await self._console_read(
            "SELECT substr(at, 1, 10), COUNT(*) FROM refusals WHERE at >= ? "
            "GROUP BY substr(at, 1, 10) ORDER BY 1",
            [since_day],
        )
        return [DayCount(day, int(n)) for day, n in rows]

    async def last_event_seq(self) -> int:
        rows = await self._console_read("SELECT COALESCE(MAX(seq), 0) FROM events")
        return int(rows[0][0])

    async def acknowledged_since(
        self, after_seq: int, limit: int = 1000
    ) -> list[tuple[int, str, str]]:
        """(event seq, delivery created_at, acknowledged at) of 'done' events after a seq:
        /metrics follows the log with these to time deliveries (axis/metrics.py)."""
        rows = await self._console_read(
            "SELECT e.seq, d.created_at, e.at FROM events e JOIN deliveries d "
            "ON d.id = e.delivery_id WHERE e.seq > ? AND (e.kind = 'acknowledged' AND "
            "e.code = 'done' OR e.kind = 'done') ORDER BY e.seq LIMIT ?",  # 'done': before 005
            [after_seq, limit],
        )
        return [(int(seq), created, at) for seq, created, at in rows]

    # -- the directory, paged -------------------------------------------------------------

    async def agencies_page(self, prefix: str, page: Page) -> list[tuple[str, ...]]:
        """(id, name, pid, system_id, upstream) by id; ``prefix`` narrows the ids."""
        clauses, params = [], []
        if prefix:
            clauses.append("id >= ? AND id < ?")
            params += [prefix, prefix + "\uffff"]
        if page.after:
            clauses.append("id > ?")
            params.append(page.after)
        sql = "SELECT id, name, pid, COALESCE(system_id, ''), COALESCE(upstream, '') FROM agencies"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        rows = await self._console_read(f"{sql} ORDER BY id LIMIT ?", [*params, _limit(page) + 1])
        return [tuple(row) for row in rows]

    # -- operators and sessions -----------------------------------------------------------

    async def add_operator(self, name: str, password_hash: str, at: str) -> bool:
        """A new operator, or a new password for an existing one; True if new."""
        existing = await self._console_read("SELECT 1 FROM operators WHERE name = ?", [name])
        if existing:
            await self._console_write(
                "UPDATE operators SET password_hash = ? WHERE name = ?", [password_hash, name]
            )
            await self._console_write("DELETE FROM console_sessions WHERE operator = ?", [name])
            return False
        await self._console_write(
            "INSERT INTO operators (name, password_hash, created_at) VALUES (?, ?, ?)",
            [name, password_hash, at],
        )
        return True

    async def operator_hash(self, name: str) -> str | None:
        rows = await self._console_read(
            "SELECT password_hash FROM operators WHERE name = ?", [name]
        )
        return str(rows[0][0]) if rows else None

    async def list_operators(self) -> list[Operator]:
        rows = await self._console_read("SELECT name, created_at FROM operators ORDER BY name")
        return [Operator(*row) for row in rows]

    async def open_session(
        self, token_sha256: str, operator: str, csrf: str, at: str, expires_at: str
    ) -> None:
        """A new session; expired ones are deleted in passing (indexed on expires_at)."""
        await self._console_write("DELETE FROM console_sessions WHERE expires_at <= ?", [at])
        await self._console_write(
            "INSERT INTO console_sessions (token_sha256, operator, csrf, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [token_sha256, operator, csrf, at, expires_at],
        )

    async def find_session(self, token_sha256: str, at: str) -> Session | None:
        rows = await self._console_read(
            "SELECT operator, csrf, expires_at FROM console_sessions "
            "WHERE token_sha256 = ? AND expires_at > ?",
            [token_sha256, at],
        )
        return Session(*rows[0]) if rows else None

    async def close_session(self, token_sha256: str) -> None:
        await self._console_write(
            "DELETE FROM console_sessions WHERE token_sha256 = ?", [token_sha256]
        )


def _escape_like(text: str) -> str:
    """A substring for LIKE taken literally: % and _ match only themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
