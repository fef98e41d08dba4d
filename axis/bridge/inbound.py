"""Pulling down: what the upstream holds for this hub's agencies comes in through the same
intake as a local send, is committed, and only THEN acknowledged ``done`` upstream
(docs/tiers.md; docs/domain.md §8: list, fetch, keep the To entries served here, store, ack).

The intake sees the caller ``upstream:<name>``: the route stage keeps only the To entries not
reached back through the upstream and appends this hub's TraceHeader. A package the intake
refuses is acknowledged ``fail`` with its code and reason, which the upstream shows to the
sender. If the store cannot write (4.7.1) nothing is acknowledged: the upstream keeps it and
the next pass tries again. A crash between the commit and the ack is harmless: the next pass
fetches the same bytes, the intake's dedupe answers with the stored document, and the ack goes.
The ``done`` carries ``forwarded`` = this hub's DocId, so the upstream records the hop as a
``forwarded`` event, as it does when it pushes down (docs/tiers.md, docs/delivery-log.md).
"""

from __future__ import annotations

from datetime import datetime

from adapters.vxp.client import VxpClient, VxpError
from axis import logs
from axis.errors import Deferred, Rejected
from axis.intake.context import Intake
from axis.intake.pipeline import Pipeline

log = logs.get("axis.bridge")
MESSAGE_TYPES = ("edoc", "status")


class Inbox:
    def __init__(self, pipeline: Pipeline, client: VxpClient, route: str, hub_id: str) -> None:
        self.pipeline = pipeline
        self.client = client
        self.route = route  # "upstream:<name>": the caller the intake sees
        self.hub_id = hub_id
        self._refused: set[str] = set()  # acked fail upstream; not fetched again this run

    async def pass_once(self) -> int:
        """One list/fetch/store/ack pass over both message types; how many were stored."""
        stored = 0
        for message_type in MESSAGE_TYPES:
            for row in await self.client.received_list(message_type):
                doc_id = str(row.get("docId", ""))
                if doc_id and doc_id not in self._refused:
                    stored += await self._take(doc_id, str(row.get("from", "")), message_type)
        return stored

    async def _take(self, doc_id: str, from_agency: str, message_type: str) -> int:
        data = await self.client.get_edoc(doc_id)
        ctx = Intake(data, self.route, from_agency, message_type, datetime.now().astimezone())
        ctx.request_id = f"bridge:{doc_id}"
        try:
            await self.pipeline.run(ctx)
        except Deferred as error:  # nothing stored: leave it upstream, retry next pass
            log.warning("bridge: not stored yet", upstream_doc=doc_id, error=str(error))
            return 0
        except Rejected as refused:
            await self.client.update_status(doc_id, False, f"{refused.code.code} {refused.reason}")
            self._refused.add(doc_id)
            log.warning(
                "bridge: refused from upstream", upstream_doc=doc_id, code=refused.code.code
            )
            return 0
        local = ctx.doc_id or (ctx.duplicate_of.id if ctx.duplicate_of else "")
        params = {"docid": doc_id, "status": "done", "forwarded": local}
        await self.client.call("updateStatus", params, b"{}")  # after the commit, never before
        log.info("bridge: stored from upstream", upstream_doc=doc_id, doc_id=local)
        return 1


__all__ = ["Inbox", "VxpError"]
