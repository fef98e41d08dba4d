"""The ``upstream`` delivery adapter: forwards a package up to this hub's upstream hub.

Driven by the queue manager (queue.py) like every push endpoint, under the endpoint key
``upstream:<name>`` with a hub hop's Policy (``upstream.max_in_flight``, ``upstream.lease_s``,
backoff up to ``upstream.retry_max_s``; docs/tiers.md "The bridge"). To its upstream a
provincial hub is one connected system speaking the SDK API (CRLF framing included), so this
adapter is adapters/vxp/client.py with the hub's system id and secret there. The SDK's ``from``
header is the sending agency, not the hub (docs/domain.md §8). Before an edoc leaves, this hub
appends its TraceHeader (a byte splice, axis/edxml/trace.py: the sender's signature still
verifies upstream), stamped with the time this hub accepted the package, so a resend carries
the very same bytes and the upstream answers with the original DocId (its dedupe, 2.6.1)
instead of storing it twice: forwarding is idempotent, which is what makes a short lease safe.

One package to several upstream recipients is one upload: deliveries of the same document in
flight at once share one send, and a later one is answered from memory (the upstream fans it
out itself); after a restart the upstream's dedupe does the same job.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, ClassVar

import aiohttp

from adapters.vxp.client import VxpClient, VxpError
from axis.config import Config
from axis.delivery import HopSettings, Outbound, Outcome, Result
from axis.directory import UPSTREAM_PREFIX
from axis.edxml.trace import append_trace

_REMEMBERED = 10_000  # forwarded documents kept in memory (fan-out to several recipients)
# An attempt gives up this long before its lease runs out, so this node never overlaps itself.
LEASE_MARGIN_S = 5.0


def hop_stamp(accepted_at: str) -> str:
    """The TraceHeader Timestamp (yyyy/MM/dd HH:mm:ss, local time) of an ISO-8601 instant."""
    return datetime.fromisoformat(accepted_at).astimezone().strftime("%Y/%m/%d %H:%M:%S")


class UpstreamAdapter:
    name: ClassVar[str] = "upstream"

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.route = f"{UPSTREAM_PREFIX}{cfg.upstream.name}"
        up = cfg.upstream
        self.hop = HopSettings(up.max_in_flight, up.lease_s, up.retry_max_s)
        self._session: aiohttp.ClientSession | None = None
        self._client: VxpClient | None = None
        self._forwarded: dict[str, str] = {}  # doc_id -> the upstream's DocId
        self._sending: dict[str, asyncio.Future[Result]] = {}  # doc_id -> its send in flight

    @classmethod
    def from_settings(cls, settings: Any) -> UpstreamAdapter:
        assert isinstance(settings, Config) and settings.upstream.url, "needs [upstream] url"
        return cls(settings)

    @property
    def client(self) -> VxpClient:
        if self._client is None:
            self._session = aiohttp.ClientSession()
            up = self.cfg.upstream
            timeout = max(1.0, up.lease_s - LEASE_MARGIN_S)
            self._client = VxpClient(
                up.url, up.system_id, up.secret, session=self._session, timeout_s=timeout
            )
        return self._client

    async def deliver(self, item: Outbound) -> Result:
        known = self._forwarded.get(item.doc_id)
        if known is not None:
            return self._delivered(known)
        running = self._sending.get(item.doc_id)
        if running is not None:  # another recipient's delivery is sending it: share the answer
            return await asyncio.shield(running)
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._sending[item.doc_id] = future
        try:
            result = await self._send(item)
            future.set_result(result)
            return result
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody shares it
            raise
        finally:
            del self._sending[item.doc_id]

    async def _send(self, item: Outbound) -> Result:
        data = await item.read()
        if item.message_type == "edoc":
            data = append_trace(data, self.cfg.hub_id, hop_stamp(item.accepted_at))
        try:
            doc_id = await self.client.send_edoc(data, item.from_agency, item.message_type)
        except VxpError as error:
            if error.transient:
                # The sender's list shows where its document waits (docs/tiers.md).
                where = f"waiting at {self.cfg.hub_id} for {self.cfg.upstream.name}"
                return Result(Outcome.TEMPORARY, f"{where}: {error}")
            return Result(Outcome.PERMANENT, f"refused by {self.cfg.upstream.name}: {error}")
        if len(self._forwarded) > _REMEMBERED:
            self._forwarded.clear()
        self._forwarded[item.doc_id] = doc_id
        return self._delivered(doc_id)

    def _delivered(self, upstream_doc_id: str) -> Result:
        name = self.cfg.upstream.name
        detail = f"forwarded to {name} (DocId {upstream_doc_id} there)"
        return Result(Outcome.DELIVERED, detail, forwarded_to=self.route)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = self._client = None
