"""Forwarding up: the outbox loop that hands deliveries routed ``upstream:<name>`` to the
upstream adapter (axis/delivery/upstream.py) and records each outcome (docs/tiers.md).

Its own loop, not yet the queue manager (axis/delivery/queue.py): folding it in is open work.
A delivery is closed only after the upstream committed and answered (done, "forwarded to ...")
or refused for good (fail, with the upstream's code: the sender's list shows it). While the
upstream is down the deliveries stay open here and say where they wait ("waiting at <this
hub>: ..."), and the loop backs off (doubling up to upstream.retry_max_s). Nothing is lost: the
outbox is the store; nothing is doubled: a resend is the same bytes, which the upstream
recognises (axis/delivery/upstream.py).
"""

from __future__ import annotations

import asyncio

from axis import logs
from axis.delivery import Outbound, Outcome
from axis.delivery.upstream import UpstreamAdapter
from axis.errors import StoreUnavailable
from axis.store.base import OutboxRow, Store

log = logs.get("axis.bridge")
BATCH = 200


class Outbox:
    def __init__(self, store: Store, adapter: UpstreamAdapter) -> None:
        self.store = store
        self.adapter = adapter
        cfg = adapter.cfg
        self.poll_s = cfg.upstream.poll_interval_s
        self.retry_max_s = cfg.upstream.retry_max_s
        self.hub_id = cfg.hub_id

    async def run(self) -> None:
        backoff = self.poll_s
        while True:
            try:
                progressed, blocked = await self.pass_once()
            except StoreUnavailable as error:
                log.warning("bridge outbox: store unavailable", error=str(error))
                progressed, blocked = False, True
            if blocked:
                backoff = min(max(backoff * 2, self.poll_s), self.retry_max_s)
            else:
                backoff = self.poll_s
            if not progressed or blocked:
                await asyncio.sleep(backoff)

    async def pass_once(self) -> tuple[bool, bool]:
        """One pass over the outbox: (anything forwarded, the upstream is unreachable)."""
        rows = await self.store.upstream_outbox(self.adapter.route, BATCH)
        for row in rows:
            result = await self.adapter.deliver(self._outbound(row))
            if result.outcome is Outcome.TEMPORARY:
                waiting = [r.delivery_id for r in rows if r.doc_id == row.doc_id]
                await self.store.note_waiting(waiting, f"waiting at {self.hub_id}: {result.detail}")
                log.warning("bridge: upstream unavailable", detail=result.detail)
                return False, True
            ok = result.outcome is Outcome.DELIVERED
            await self.store.mark_forwarded([row.delivery_id], ok, result.detail)
            log.info("forwarded" if ok else "refused upstream", delivery_id=row.delivery_id,
                     doc_id=row.doc_id, recipient=row.agency, detail=result.detail)  # fmt: skip
        return bool(rows), False

    def _outbound(self, row: OutboxRow) -> Outbound:
        async def read() -> bytes:
            data = await self.store.fetch(row.delivery_id, self.adapter.route)
            assert data is not None, "an outbox row's document exists"
            return data

        return Outbound(
            row.delivery_id, row.doc_id, row.agency, self.adapter.route, row.message_type,
            row.attempts + 1, from_agency=row.from_agency, accepted_at=row.created_at,
            source=read,
        )  # fmt: skip
