"""API attacks over the SDK wire protocol (docs/domain.md §6): refused with their code, nothing stored.

Forged HMAC, a replayed request, a stale timestamp, a body that does not match its signed
hash-file, a signed header altered after signing, another system's agency in From, reading or
acknowledging another agency's delivery, attachment names that try to climb out of a folder,
and header values too long to accept.
"""

from __future__ import annotations

import base64
import dataclasses
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from axis.edxml import build
from axis.edxml.model import Attachment, Reference
from tests.attacks.helpers import (
    assert_fail,
    assert_nothing_stored,
    healthy,
    refused,
    send_raw,
)
from tests.hub.conftest import A, B, C, document, package_bytes, signed
from tests.support.vxp_client import java_hex_sha256


def _send_params(data: bytes, sender: str) -> dict[str, str]:
    return {
        "servicetype": "eDoc",
        "messagetype": "edoc",
        "from": sender,
        "hash-file": java_hex_sha256(data),
    }


async def _post(hub, operation: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
    async with hub.session.post(f"{hub.endpoint}/{operation}", data=body, headers=headers) as r:
        return r.status, await r.json(content_type=None)


async def _accepted(hub, pki, sender: str = A, to: tuple[str, ...] = (B,)) -> str:
    data = package_bytes(pki, document(sender, to))
    _, payload = await send_raw(hub.client(sender), data, sender)
    assert payload["status"] == "OK", payload
    return str(payload["DocId"])


async def test_a_forged_hmac_is_refused_5_8_1(hub, pki) -> None:
    data = package_bytes(pki, document(A, (B,)))
    forger = hub.client(A, secret="guessed-secret")
    assert_fail(await send_raw(forger, data, A), "5.8.1")
    await assert_nothing_stored(hub, 0)


async def test_a_replayed_request_is_refused_and_stores_nothing_more_5_8_4(hub, pki) -> None:
    data = package_bytes(pki, document(A, (B,)))
    headers = hub.client(A).signed_headers(_send_params(data, A), "application/octet-stream")
    first = await _post(hub, "sendEdoc", headers, data)
    assert first[1]["status"] == "OK", first
    assert_fail(await _post(hub, "sendEdoc", headers, data), "5.8.4")
    assert await hub.store.count_documents() == 1
    assert len((await hub.client(B).get_received_list())["data"]) == 1


async def test_a_stale_timestamp_is_refused_5_8_3(hub, pki) -> None:
    client = hub.client(A)
    client.clock = lambda: datetime.now() - timedelta(hours=2)
    assert_fail(await send_raw(client, package_bytes(pki, document(A, (B,))), A), "5.8.3")
    await assert_nothing_stored(hub, 0)


async def test_a_body_that_does_not_match_its_hash_file_is_refused_5_1_3(hub, pki) -> None:
    signed_for = package_bytes(pki, document(A, (B,)))
    swapped = package_bytes(pki, document(A, (C,)))
    headers = hub.client(A).signed_headers(_send_params(signed_for, A), "application/octet-stream")
    assert_fail(await _post(hub, "sendEdoc", headers, swapped), "5.1.3")
    await assert_nothing_stored(hub, 0)


async def test_a_signed_header_altered_after_signing_is_refused_5_8_5(hub, pki) -> None:
    data = package_bytes(pki, document(A, (B,)))
    headers = hub.client(A).signed_headers(_send_params(data, A), "application/octet-stream")
    headers["XroadVnpt-messagetype"] = "status"
    assert_fail(await _post(hub, "sendEdoc", headers, data), "5.8.5")
    await assert_nothing_stored(hub, 0)


async def test_from_naming_another_systems_agency_is_refused_5_8_6(hub, pki) -> None:
    await refused(hub, package_bytes(pki, document(A, (C,))), A, "5.8.6", via=B)


async def test_fetching_another_agencys_document_is_answered_as_unknown_5_1_8(hub, pki) -> None:
    await _accepted(hub, pki, A, (B,))
    delivery = (await hub.client(B).get_received_list())["data"][0]["docId"]
    status, payload = await hub.client(C).call("getEdoc", {"docId": delivery}, b"{}")
    assert_fail((status, payload), "5.1.8")
    assert "data" not in payload
    assert (await hub.client(B).get_received_list())["data"][0]["status"] == "queued"


async def test_acknowledging_another_agencys_document_is_answered_as_unknown_5_1_8(
    hub, pki
) -> None:
    await _accepted(hub, pki, A, (B,))
    delivery = (await hub.client(B).get_received_list())["data"][0]["docId"]
    params = {"docid": delivery, "status": "done"}
    assert_fail(await hub.client(C).call("updateStatus", params, b"{}"), "5.1.8")
    assert (await hub.client(B).get_received_list())["data"][0]["status"] == "queued"
    sent = (await hub.client(A).get_sent_list())["data"]
    assert [row["sendStatus"] for row in sent] == ["queued"]


def _with_attachment(name: str) -> bytes:
    pkg = document(A, (B,))
    content = b"%PDF-1.4 attack suite\n"
    attachment = Attachment.from_bytes(
        content, content_id="cid:1", attachment_name=name, content_type="application/pdf"
    )
    reference = Reference(content_id="cid:1", content_type="application/pdf", attachment_name=name)
    return build(dataclasses.replace(pkg, attachments=(attachment,), references=(reference,)))


def _files_named(marker: str, roots: list[Path]) -> list[Path]:
    return [p for root in roots if root.is_dir() for p in root.rglob(f"*{marker}*")]


async def test_a_path_traversal_attachment_name_is_kept_as_bytes_only_2_4_10(
    hub, pki, hub_cfg
) -> None:
    # The hub never writes attachments to disk: it stores the package bytes as received
    # (signed XML is never re-serialised) and warns that the name would need sanitising.
    marker = f"axis-traversal-{uuid.uuid4().hex}"
    data = signed(pki, A, _with_attachment(f"../../../../tmp/{marker}.pdf"))
    _, payload = await send_raw(hub.client(A), data, A)
    assert (payload["status"], payload["code"]) == ("OK", "2.4.10"), payload
    assert marker in payload["warnings"][0]["desc"]
    delivery = (await hub.client(B).get_received_list())["data"][0]["docId"]
    fetched = await hub.client(B).get_edoc(delivery)
    assert base64.b64decode(fetched["data"]) == data
    data_dir = Path(hub_cfg.hub.data_dir)
    roots = [data_dir.parent, Path("/tmp"), Path.cwd()]
    assert _files_named(marker, roots) == []


async def test_an_attachment_name_longer_than_its_limit_is_refused_5_4_10(hub, pki) -> None:
    data = signed(pki, A, _with_attachment("../" * 200 + "x.pdf"))
    await refused(hub, data, A, "5.4.10")


async def test_an_enormous_parameter_header_is_refused_5_1_7(hub, pki) -> None:
    data = package_bytes(pki, document(A, (B,)))
    params = {**_send_params(data, A), "from": A + " " * 12_000}
    payload = assert_fail(await send_raw(hub.client(A), data, A, **params), "5.1.7")
    assert "limit" in payload["ErrorDesc"]
    await assert_nothing_stored(hub, 0)


async def test_a_megabyte_header_is_refused_by_the_http_parser_and_the_hub_stays_up(
    hub, pki
) -> None:
    data = package_bytes(pki, document(A, (B,)))
    headers = hub.client(A).signed_headers(_send_params(data, A), "application/octet-stream")
    headers["XroadVnpt-junk"] = "J" * (1 << 20)
    async with hub.session.post(f"{hub.endpoint}/sendEdoc", data=data, headers=headers) as r:
        assert r.status in (400, 431)
    assert await healthy(hub)
    await assert_nothing_stored(hub, 0)
