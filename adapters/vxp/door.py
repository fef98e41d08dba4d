"""The hub client an endpoint uses, whichever door of the hub it talks to (``[hub] dialect``).

VxpClient (the SDK wire protocol) and GatewayClient (the provincial gateway's REST dialect)
both offer this interface, so the endpoints' sync loops do not know which door they use.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import aiohttp

from adapters.vxp.client import VxpClient
from adapters.vxp.gateway import GatewayClient
from adapters.vxp.settings import HubSection


class HubClient(Protocol):
    system_id: str

    async def send_edoc(self, data: bytes, from_agency: str, messagetype: str = "edoc") -> str: ...
    async def received_list(self, messagetype: str = "edoc") -> list[dict[str, Any]]: ...
    async def get_edoc(self, doc_id: str) -> bytes: ...
    async def update_status(self, doc_id: str, ok: bool, error: str = "") -> None: ...
    async def agencies(self) -> list[dict[str, Any]]: ...


@runtime_checkable
class SentLister(Protocol):
    """A client that can list what its system sent (getSentEdocList: the SDK door only)."""

    async def sent_list(self) -> list[dict[str, Any]]: ...


def hub_client(hub: HubSection, session: aiohttp.ClientSession, *, crlf: bool) -> HubClient:
    """The client for ``hub.dialect`` (``crlf``: the SDK's sendEdoc framing; SDK door only)."""
    if hub.dialect == "gateway":
        return GatewayClient(
            hub.endpoint, hub.system_id, hub.secret, session=session,
            base_path=hub.gateway_base_path, token_path=hub.gateway_token_path,
        )  # fmt: skip
    return VxpClient(hub.endpoint, hub.system_id, hub.secret, session=session, crlf=crlf)
