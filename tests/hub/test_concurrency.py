"""Packages that arrive together and depend on the same stored facts are decided one at a time
(axis/intake/claims.py): no duplicate copy, no second business receipt for one transition."""

from __future__ import annotations

import asyncio
import dataclasses

from axis.intake.claims import Claims
from tests.hub.conftest import A, B, document, package_bytes, status


async def test_the_same_bytes_sent_five_times_at_once_are_stored_once(hub, pki) -> None:
    data, sender = package_bytes(pki, document(A, (B,))), hub.client(A)
    replies = await asyncio.gather(*(sender.send_edoc(data, A) for _ in range(5)))
    assert {r["status"] for r in replies} == {"OK"}
    assert len({r["DocId"] for r in replies}) == 1
    assert sorted(r["code"] for r in replies)[:4] == ["2.0.0", "2.6.1", "2.6.1", "2.6.1"]
    assert len((await hub.client(B).get_received_list())["data"]) == 1


async def test_two_new_documents_with_one_document_id_at_once_store_one_5_6_2(hub, pki) -> None:
    first = document(A, (B,))
    second = dataclasses.replace(document(A, (B,)), document_id=first.document_id)
    sender = hub.client(A)
    replies = await asyncio.gather(
        *(sender.send_edoc(package_bytes(pki, p), A) for p in (first, second))
    )
    assert sorted(r.get("ErrorCode") for r in replies) == ["0", "5.6.2"]
    assert len((await hub.client(B).get_received_list())["data"]) == 1


async def test_one_status_reported_twice_at_once_is_relayed_once_5_6_6(hub, pki) -> None:
    original = document(A, (B,))
    assert (await hub.client(A).send_edoc(package_bytes(pki, original), A))["status"] == "OK"
    reports = [
        package_bytes(pki, dataclasses.replace(status(B, original, "03"), description=text))
        for text in ("Đã tiếp nhận", "Đã tiếp nhận (gửi lại)")
    ]
    reporter = hub.client(B)
    replies = await asyncio.gather(*(reporter.send_edoc(data, B, "status") for data in reports))
    assert sorted(r.get("ErrorCode") for r in replies) == ["0", "5.6.6"]
    assert len((await hub.client(A).get_received_list("status"))["data"]) == 1


async def test_a_claim_cancelled_while_waiting_releases_only_what_it_held() -> None:
    claims = Claims()
    async with claims.hold(["doc:x"]):
        waiter = asyncio.create_task(_hold(claims, ["bytes:a", "doc:x"]))
        await asyncio.sleep(0)
        waiter.cancel()
        await asyncio.gather(waiter, return_exceptions=True)
        assert len(claims) == 1  # doc:x is still ours; bytes:a is gone
    assert len(claims) == 0


async def _hold(claims: Claims, keys: list[str]) -> None:
    async with claims.hold(keys):
        await asyncio.sleep(10)
