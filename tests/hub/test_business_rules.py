"""Business status rules (docs/business-rules.md): who may report what, and in which order."""

from __future__ import annotations

import pytest

from tests.hub.conftest import A, B, C, document, package_bytes, status
from tests.support.vxp_client import java_hex_sha256


async def _send(client, data: bytes, sender: str, kind: str) -> dict:
    params = {"servicetype": "eDoc", "messagetype": kind, "from": sender}
    params["hash-file"] = java_hex_sha256(data)
    return (await client.call("sendEdoc", params, data, "application/octet-stream"))[1]


@pytest.fixture
async def sent(hub, pki):
    """A document from A to B, accepted."""
    original = document(A, (B,))
    assert (await _send(hub.client(A), package_bytes(pki, original), A, "edoc"))["status"] == "OK"
    return original


async def _report(hub, pki, reporter: str, original, code: str) -> dict:
    return await _send(
        hub.client(reporter),
        package_bytes(pki, status(reporter, original, code)),
        reporter,
        "status",
    )


async def test_a_status_from_an_agency_that_was_not_a_recipient_is_refused_5_6_5(
    hub, pki, sent
) -> None:
    assert (await _report(hub, pki, C, sent, "01"))["ErrorCode"] == "5.6.5"


async def test_a_status_about_an_unknown_document_is_refused_5_6_3(hub, pki) -> None:
    never_sent = document(A, (B,))
    assert (await _report(hub, pki, B, never_sent, "01"))["ErrorCode"] == "5.6.3"


async def test_the_same_status_twice_is_refused_5_6_6(hub, pki, sent) -> None:
    assert (await _report(hub, pki, B, sent, "03"))["status"] == "OK"
    assert (await _report(hub, pki, B, sent, "03"))["ErrorCode"] == "5.6.6"


async def test_processing_05_may_repeat(hub, pki, sent) -> None:
    for _ in range(3):
        reply = await _report(hub, pki, B, sent, "05")
        assert reply["status"] == "OK", reply


@pytest.mark.parametrize(("first", "then"), [("03", "01"), ("06", "05"), ("02", "03")])
async def test_a_status_out_of_order_is_refused_5_6_7(
    hub, pki, sent, first: str, then: str
) -> None:
    assert (await _report(hub, pki, B, sent, first))["status"] == "OK"
    assert (await _report(hub, pki, B, sent, then))["ErrorCode"] == "5.6.7"


async def test_recall_13_from_anyone_but_the_original_sender_is_refused_5_6_8(
    hub, pki, sent
) -> None:
    assert (await _report(hub, pki, B, sent, "13"))["ErrorCode"] == "5.6.8"


async def test_an_answer_15_without_a_pending_recall_is_refused_5_6_9(hub, pki, sent) -> None:
    assert (await _report(hub, pki, B, sent, "15"))["ErrorCode"] == "5.6.9"


async def test_an_update_makes_15_acceptable_once(hub, pki, sent) -> None:
    update = document(A, (B,), doc_type=2, original=sent.document_id)
    assert (await _send(hub.client(A), package_bytes(pki, update), A, "edoc"))["status"] == "OK"
    assert (await _report(hub, pki, B, sent, "15"))["status"] == "OK"
    assert (await _report(hub, pki, B, sent, "16"))["ErrorCode"] == "5.6.9"


async def test_a_replacement_goes_only_to_the_recipients_it_names(hub, pki) -> None:
    from dataclasses import replace

    from axis.edxml.model import ReplacementInfo

    original = document(A, (B, C))
    await _send(hub.client(A), package_bytes(pki, original), A, "edoc")
    for agency in (B, C):
        for row in (await hub.client(agency).get_received_list())["data"]:
            await hub.client(agency).update_status(row["docId"])
    base = document(A, (B, C), doc_type=3)
    assert base.business is not None
    business = replace(base.business, replacements=(ReplacementInfo(original.document_id, (C,)),))
    reply = await _send(
        hub.client(A), package_bytes(pki, replace(base, business=business)), A, "edoc"
    )
    assert reply["status"] == "OK", reply
    assert (await hub.client(B).get_received_list())["data"] == []
    assert len((await hub.client(C).get_received_list())["data"]) == 1
