"""Read queries of the delivery log, shared by both backends (portable SQL, ``?`` placeholders).

Part of axis/store. ``list_events`` pages by keyset (the last seq seen), never by offset, so a
console or a script can walk millions of events; ``events_for`` is one document's timeline;
``queue_shape`` and ``stats`` are the operator's aggregates (axis/eventlog/reports.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from axis.edxml.ids import parse_agency_id
from axis.eventlog.event import ROW_COLUMNS, EventFilter, EventRow, SealRow
from axis.eventlog.hops import MARK
from axis.eventlog.reports import (
    QueueRow,
    QueueShape,
    StatsRow,
    age_cutoffs,
    tally,
)

_EVENT_SELECT = f"SELECT {', '.join(ROW_COLUMNS)} FROM events "
_SEAL_SELECT = "SELECT id, seq, hash, at, hub, signature, cert FROM event_seals "
_OPEN = "state IN ('queued', 'fetched', 'fail')"


def _where(filters: EventFilter) -> tuple[list[str], list[Any]]:
    terms: list[str] = []
    params: list[Any] = []
    if filters.agency:
        terms.append("(agency = ? OR system_id = ?)")
        params += [filters.agency, filters.agency]
    for column, value in (("kind", filters.kind), ("code", filters.code)):
        if value:
            terms.append(f"{column} = ?")
            params.append(value)
    if filters.doc_id:
        terms.append("doc_id = ?")
        params.append(filters.doc_id)
    if filters.since:
        terms.append("at >= ?")
        params.append(filters.since)
    if filters.until:
        terms.append("at < ?")
        params.append(filters.until)
    return terms, params


class EventQueries:
    """Mixin over ``_read(sql, params)`` (SqliteStore, PostgresStore)."""

    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    async def list_events(
        self,
        filters: EventFilter = EventFilter(),
        cursor: int | None = None,
        limit: int = 100,
        newest_first: bool = False,
    ) -> list[EventRow]:
        terms, params = _where(filters)
        if cursor is not None:
            terms.append("seq < ?" if newest_first else "seq > ?")
            params.append(cursor)
        where = f"WHERE {' AND '.join(terms)} " if terms else ""
        order = "DESC" if newest_first else "ASC"
        rows = await self._read(
            f"{_EVENT_SELECT}{where}ORDER BY seq {order} LIMIT ?", (*params, limit)
        )
        return [EventRow(*row) for row in rows]

    async def events_for(self, doc_id: str) -> list[EventRow]:
        """A document's events (hub DocId or edXML DocumentId) and its deliveries', in order."""
        rows = await self._read(
            f"{_EVENT_SELECT}WHERE doc_id = ? OR (ref = ? AND ref <> '') "
            "OR doc_id IN (SELECT id FROM documents WHERE document_id = ?) ORDER BY seq",
            (doc_id, doc_id, doc_id),
        )
        return [EventRow(*row) for row in rows]

    async def received_hops_since(
        self, after_seq: int, limit: int = 1000
    ) -> list[tuple[int, str, str]]:
        """(seq, at, detail) of ``received`` events naming hops (packages another hub handed
        over) after a seq: /metrics times the hops with these (axis/eventlog/hops.py)."""
        rows = await self._read(
            "SELECT seq, at, detail FROM events WHERE seq > ? AND kind = 'received' "
            "AND detail LIKE ? ORDER BY seq LIMIT ?",
            (after_seq, f"%{MARK}%", limit),
        )
        return [(int(seq), str(at), str(detail)) for seq, at, detail in rows]

    async def list_seals(self, from_seq: int = 0) -> list[SealRow]:
        rows = await self._read(f"{_SEAL_SELECT}WHERE seq >= ? ORDER BY seq, id", (from_seq,))
        return [SealRow(*row) for row in rows]

    async def queue_shape(self, now: datetime | None = None) -> QueueShape:
        moment = now or datetime.now(UTC)
        cutoffs = age_cutoffs(moment)
        # bucket 0 is the youngest: created at or after the first cutoff.
        bucket = (
            "CASE "
            + "".join(f"WHEN created_at >= ? THEN {i} " for i in range(len(cutoffs)))
            + f"ELSE {len(cutoffs)} END"
        )
        rows = await self._read(
            f"SELECT agency, {bucket} AS b, COUNT(*) FROM deliveries WHERE {_OPEN} "
            "GROUP BY agency, b",
            cutoffs,
        )
        by_agency: dict[str, list[int]] = {}
        for agency, index, count in rows:
            by_agency.setdefault(agency, [0] * (len(cutoffs) + 1))[int(index)] += int(count)
        shape_rows = sorted(
            (QueueRow(a, sum(c), tuple(c)) for a, c in by_agency.items()),
            key=lambda r: (-r.total, r.destination),
        )
        oldest = await self._read(
            "SELECT id, doc_id, agency, state, created_at FROM deliveries "
            f"WHERE {_OPEN} ORDER BY created_at, id LIMIT 1"
        )
        states = await self._read(
            f"SELECT state, COUNT(*) FROM deliveries WHERE {_OPEN} GROUP BY state"
        )
        hour_ago = (moment - timedelta(hours=1)).isoformat(timespec="milliseconds")
        failures = await self._read(
            "SELECT COUNT(*) FROM events WHERE ((kind = 'acknowledged' AND code = 'fail') "
            "OR kind = 'failed') AND at >= ?",
            (hour_ago,),
        )
        keys = ("delivery_id", "doc_id", "agency", "state", "created_at")
        return QueueShape(
            at=moment.isoformat(timespec="milliseconds"),
            rows=shape_rows,
            oldest=dict(zip(keys, map(str, oldest[0]), strict=True)) if oldest else None,
            failures_last_hour=int(failures[0][0]),
            states={str(s): int(n) for s, n in states},
        )

    async def stats(
        self, start: str, end: str, holidays: frozenset[date] = frozenset()
    ) -> list[StatsRow]:
        """Per agency, edocs sent and received in [start, end) (ISO-8601 UTC), how many of those
        received were acknowledged done and how many the same working day."""
        sent = await self._read(
            "SELECT from_agency, COUNT(*) FROM documents WHERE message_type = 'edoc' "
            "AND created_at >= ? AND created_at < ? GROUP BY from_agency",
            (start, end),
        )
        # acked_at from migration 005; done deliveries from before it fall back to updated_at.
        deliveries = await self._read(
            "SELECT agency, created_at, CASE WHEN acked_at <> '' THEN acked_at "
            "WHEN state = 'done' THEN updated_at ELSE '' END FROM deliveries "
            "WHERE message_type = 'edoc' AND created_at >= ? AND created_at < ?",
            (start, end),
        )
        sent_by = {str(a): int(n) for a, n in sent}
        agencies = set(sent_by) | {str(row[0]) for row in deliveries}
        tiers = {a: parse_agency_id(a).tier for a in agencies}
        return tally(sent_by, ((str(a), str(r), str(k)) for a, r, k in deliveries), holidays, tiers)
