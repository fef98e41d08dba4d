"""The ``upstream`` delivery adapter: forwards a package up to this hub's upstream hub.

To its upstream a provincial hub is one connected system speaking the SDK API (CRLF framing
included), so this adapter is adapters/vxp/client.py with the hub's system id and secret there
(docs/tiers.md "The bridge"). The SDK's ``from`` header is the sending agency, not the hub
(docs/domain.md §8). Before an edoc leaves, this hub appends its TraceHeader (a byte splice,
axis/edxml/trace.py: the sender's signature still verifies upstream), stamped with the time
this hub accepted the package, so a resend carries the very same bytes and the upstream answers
with the original DocId (its dedupe, 2.6.1) instead of storing it twice.

One package to several upstream recipients is one upload: the upstream fans it out itself.
The adapter remembers which documents it forwarded (and the upstream's DocId); after a restart
the upstream's dedupe does the same job.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import aiohttp

from adapters.vxp.client import VxpClient, VxpError
from axis.config import Config
from axis.delivery import Outbound, Outcome, Result
from axis.edxml.trace import append_trace

_REMEMBERED = 10_000  # forwarded documents kept in memory (fan-out within one outbox pass)


def hop_stamp(accepted_at: str) -> str:
    """The TraceHeader Timestamp (yyyy/MM/dd HH:mm:ss, local time) of an ISO-8601 instant."""
    return datetime.fromisoformat(accepted_at).astimezone().strftime("%Y/%m/%d %H:%M:%S")


class UpstreamAdapter:
    name: ClassVar[str] = "upstream"

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.route = f"upstream:{cfg.upstream.name}"
        self._session: aiohttp.ClientSession | None = None
        self._client: VxpClient | None = None
        self._forwarded: dict[str, str] = {}  # doc_id -> the upstream's DocId

    @classmethod
    def from_settings(cls, settings: Any) -> UpstreamAdapter:
        assert isinstance(settings, Config) and settings.upstream.url, "needs [upstream] url"
        return cls(settings)

    @property
    def client(self) -> VxpClient:
        if self._client is None:
            self._session = aiohttp.ClientSession()
            up = self.cfg.upstream
            self._client = VxpClient(up.url, up.system_id, up.secret, session=self._session)
        return self._client

    async def deliver(self, item: Outbound) -> Result:
        known = self._forwarded.get(item.doc_id)
        if known is not None:
            return Result(Outcome.DELIVERED, self._detail(known))
        data = await item.read()
        if item.message_type == "edoc":
            data = append_trace(data, self.cfg.hub_id, hop_stamp(item.accepted_at))
        try:
            doc_id = await self.client.send_edoc(data, item.from_agency, item.message_type)
        except VxpError as error:
            if error.transient:
                return Result(Outcome.TEMPORARY, f"{self.cfg.upstream.name}: {error}")
            return Result(Outcome.PERMANENT, f"refused by {self.cfg.upstream.name}: {error}")
        if len(self._forwarded) > _REMEMBERED:
            self._forwarded.clear()
        self._forwarded[item.doc_id] = doc_id
        return Result(Outcome.DELIVERED, self._detail(doc_id))

    def _detail(self, upstream_doc_id: str) -> str:
        return f"forwarded to {self.cfg.upstream.name} (DocId {upstream_doc_id} there)"

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = self._client = None
