"""A stranger cannot learn which document ids exist (docs/security.md).

getEdoc, updateStatus and /getReceipt answer "someone else's document" exactly as they answer
"no such document": the same code, HTTP status and wording (5.1.8, 404), the id aside.
"""

from __future__ import annotations

from typing import Any

from tests.attacks.helpers import send_raw
from tests.hub.conftest import A, B, C, document, package_bytes

MISSING = "00000000-0000-4000-8000-000000000000"


def _shape(reply: tuple[int, dict[str, Any]], asked: str) -> tuple[int, str]:
    status, payload = reply
    assert payload["status"] == "FAIL", payload
    return status, str(payload).replace(asked, "<id>")


async def _same_answer(client: Any, operation: str, existing: str, params: dict[str, str]) -> None:
    key = next(iter(params))
    for_existing = await client.call(operation, {**params, key: existing}, b"{}")
    for_missing = await client.call(operation, {**params, key: MISSING}, b"{}")
    assert _shape(for_existing, existing) == _shape(for_missing, MISSING)
    assert for_existing[0] == 404 and for_existing[1]["ErrorCode"] == "5.1.8"


async def test_someone_elses_delivery_looks_like_no_delivery(hub, pki) -> None:
    _, sent = await send_raw(hub.client(A), package_bytes(pki, document(A, (B,))), A)
    assert sent["status"] == "OK", sent
    delivery = (await hub.client(B).get_received_list())["data"][0]["docId"]
    stranger = hub.client(C)
    await _same_answer(stranger, "getEdoc", delivery, {"docId": ""})
    await _same_answer(stranger, "updateStatus", delivery, {"docid": "", "status": "done"})
    assert (await hub.client(B).get_received_list())["data"][0]["status"] == "queued"


async def test_someone_elses_receipt_looks_like_no_document(hub, pki) -> None:
    _, sent = await send_raw(hub.client(A), package_bytes(pki, document(A, (B,))), A)
    await _same_answer(hub.client(C), "getReceipt", sent["DocId"], {"docId": ""})
