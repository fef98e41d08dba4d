"""What every attack test checks after a refusal: the code, and that nothing was stored.

Shared by tests/attacks/*: ``send_raw`` posts bytes to /sendEdoc through the independent SDK
client (tests/support/vxp_client.py) with a correct hash-file, ``refused`` asserts the FAIL answer with
its catalogue code and that the store holds no new document and no recipient lists anything.
"""

from __future__ import annotations

from typing import Any

from tests.hub.conftest import A, B, C
from tests.support.vxp_client import VxpClient, java_hex_sha256

AGENCIES = (A, B, C)


async def send_raw(
    client: VxpClient, data: bytes, sender: str, kind: str = "edoc", **params: str
) -> tuple[int, dict[str, Any]]:
    """POST /sendEdoc as ``sender`` with the body's real hash-file unless overridden."""
    headers = {"servicetype": "eDoc", "messagetype": kind, "from": sender}
    headers["hash-file"] = java_hex_sha256(data)
    headers.update(params)
    return await client.call("sendEdoc", headers, data, "application/octet-stream")


async def inboxes_empty(hub: Any) -> bool:
    """No agency's system lists a document or a status."""
    for agency in AGENCIES:
        for kind in ("edoc", "status"):
            if (await hub.client(agency).get_received_list(kind))["data"]:
                return False
    return True


async def assert_nothing_stored(hub: Any, documents_before: int) -> None:
    assert await hub.store.count_documents() == documents_before
    assert await inboxes_empty(hub)


def assert_fail(reply: tuple[int, dict[str, Any]], code: str) -> dict[str, Any]:
    status, payload = reply
    assert (payload["status"], payload["ErrorCode"]) == ("FAIL", code), payload
    assert 400 <= status < 500, (status, payload)
    assert payload["ErrorDesc"]
    return payload


async def refused(
    hub: Any, data: bytes, sender: str, code: str, *, via: str | None = None, kind: str = "edoc"
) -> dict[str, Any]:
    """Send ``data`` as ``sender`` (through ``via``'s system); assert ``code`` and no trace."""
    before = await hub.store.count_documents()
    payload = assert_fail(await send_raw(hub.client(via or sender), data, sender, kind), code)
    await assert_nothing_stored(hub, before)
    return payload


async def healthy(hub: Any) -> bool:
    async with hub.session.get(f"{hub.endpoint}/healthz") as reply:
        return reply.status == 200 and (await reply.json())["status"] == "OK"
