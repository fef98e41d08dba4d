"""Refusals at the door (issue 3): each with its code, and nothing stored.

Foreign From, reading another agency's document, unknown recipient, oversize body, malformed
XML, a messagetype that lies about the body, and a reused DocumentId.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.hub.conftest import A, B, C, document, package_bytes, status
from tests.support.vxp_client import java_hex_sha256


async def _send_raw(client, data: bytes, sender: str, kind: str = "edoc") -> tuple[int, dict]:
    params = {"servicetype": "eDoc", "messagetype": kind, "from": sender}
    params["hash-file"] = java_hex_sha256(data)
    return await client.call("sendEdoc", params, data, "application/octet-stream")


async def _refused(hub, client, data: bytes, sender: str, code: str, kind: str = "edoc") -> dict:
    before = await hub.store.count_documents()
    status_, payload = await _send_raw(client, data, sender, kind)
    assert (payload["status"], payload["ErrorCode"]) == ("FAIL", code), payload
    assert status_ >= 400
    assert await hub.store.count_documents() == before
    return payload


async def test_sending_as_an_agency_the_system_does_not_serve_is_refused_5_8_6(hub, pki) -> None:
    data = package_bytes(pki, document(A, (B,)))
    await _refused(hub, hub.client(B), data, A, "5.8.6")


async def test_a_package_whose_from_differs_from_the_header_is_refused_5_8_6(hub, pki) -> None:
    data = package_bytes(pki, document(A, (C,)))
    await _refused(hub, hub.client(B), data, B, "5.8.6")


async def test_an_unknown_recipient_refuses_the_whole_package_5_5_1(hub, pki) -> None:
    data = package_bytes(pki, document(A, (B, "000.00.00.H99")))
    payload = await _refused(hub, hub.client(A), data, A, "5.5.1")
    assert "000.00.00.H99" in payload["ErrorDesc"]
    assert (await hub.client(B).get_received_list())["data"] == []


async def test_an_oversize_body_is_refused_by_its_content_length_5_1_1(hub) -> None:
    data = b"<" * (900 * 1024)
    await _refused(hub, hub.client(A), data, A, "5.1.1")


async def test_an_oversize_chunked_body_is_refused_while_streaming_5_1_1(hub) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(64):  # 4 MiB in 64 KiB chunks, no Content-Length
            yield b"<" * 65536

    params = {"servicetype": "eDoc", "messagetype": "edoc", "from": A, "hash-file": "0"}
    headers = hub.client(A).signed_headers(params, "application/octet-stream")
    url = f"{hub.endpoint}/sendEdoc"
    async with hub.session.post(url, data=chunks(), headers=headers) as reply:
        payload = await reply.json()
        assert (reply.status, payload["ErrorCode"]) == (413, "5.1.1")
    assert await hub.store.count_documents() == 0


async def test_malformed_xml_is_refused_5_2_1(hub) -> None:
    await _refused(hub, hub.client(A), b"<?xml version='1.0'?><edXML><oops></edXML>", A, "5.2.1")


async def test_an_empty_body_is_refused_5_1_2(hub) -> None:
    await _refused(hub, hub.client(A), b"", A, "5.1.2")


async def test_a_status_body_sent_as_edoc_is_refused_5_4_12(hub, pki) -> None:
    original = document(A, (B,))
    assert (await _send_raw(hub.client(A), package_bytes(pki, original), A))[1]["status"] == "OK"
    data = package_bytes(pki, status(B, original, "01"))
    await _refused(hub, hub.client(B), data, B, "5.4.12", kind="edoc")


async def test_reading_a_document_addressed_to_another_agency_is_answered_as_unknown_5_1_8(
    hub, pki
) -> None:
    await _send_raw(hub.client(A), package_bytes(pki, document(A, (B,))), A)
    (row,) = (await hub.client(B).get_received_list())["data"]
    intruder = hub.client(C)
    for operation, params in (
        ("getEdoc", {"docId": row["docId"]}),
        ("updateStatus", {"docid": row["docId"], "status": "done"}),
    ):
        code, payload = await intruder.call(operation, params, b"{}")
        assert (code, payload["ErrorCode"]) == (404, "5.1.8"), payload
    assert (await hub.client(B).get_received_list())["data"][0]["status"] == "queued"


async def test_fetching_an_unknown_doc_id_is_refused_5_1_8(hub) -> None:
    code, payload = await hub.client(B).call("getEdoc", {"docId": "no-such-id"}, b"{}")
    assert (code, payload["ErrorCode"]) == (404, "5.1.8")


async def test_the_same_bytes_again_return_the_original_doc_id_2_6_1(hub, pki) -> None:
    data = package_bytes(pki, document(A, (B,)))
    first = (await _send_raw(hub.client(A), data, A))[1]
    again = (await _send_raw(hub.client(A), data, A))[1]
    assert again["status"] == "OK" and again["DocId"] == first["DocId"]
    assert again["code"] == "2.6.1"
    assert await hub.store.count_documents() == 1


async def test_a_new_document_reusing_a_document_id_is_refused_5_6_2(hub, pki) -> None:
    first = document(A, (B,))
    await _send_raw(hub.client(A), package_bytes(pki, first), A)
    second = document(A, (C,), document_id=first.document_id)
    await _refused(hub, hub.client(A), package_bytes(pki, second), A, "5.6.2")


@pytest.mark.parametrize("kind", [1, 2, 3])
async def test_a_change_to_an_unknown_document_is_refused_5_6_3(hub, pki, kind: int) -> None:
    change = document(A, (B,), doc_type=kind, original=f"{A},2020/01/01,1/NOPE")
    await _refused(hub, hub.client(A), package_bytes(pki, change), A, "5.6.3")


async def test_revoking_another_senders_document_is_refused_5_6_4(hub, pki) -> None:
    original = document(B, (C,))
    await _send_raw(hub.client(B), package_bytes(pki, original), B)
    revoke = document(A, (C,), doc_type=1, original=original.document_id)
    await _refused(hub, hub.client(A), package_bytes(pki, revoke), A, "5.6.4")
