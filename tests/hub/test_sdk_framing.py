"""sendEdoc framing and refusal shapes as the real SDK needs them (docs/domain.md §6).

- The SDK's body is the file plus exactly one CRLF, hash-file over the file alone: accepted,
  and what is stored and delivered is the file (also for a spooled body beyond 1 MiB).
  Nothing else is forgiven: two CRLFs or a bare LF are 5.1.3; a hash over the whole body is
  still fine (and then the whole body is the file).
- Every sendEdoc answer carries DocId ("" when refused), whoever refuses (auth, the
  middleware, the operation); every other operation's refusal is status/ErrorCode/ErrorDesc,
  which is all the SDK reads from a FAIL answer.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import os
from typing import Any

import aiohttp
import pytest

from axis import config as config_mod
from axis.api.app import IN_FLIGHT, create_app, server_args
from axis.config import Config
from axis.edxml import Attachment
from tests.hub.conftest import A, B, RunningHub, document, package_bytes, seed
from tests.support.vxp_client import VxpClient, java_hex_sha256


async def _send(
    hub: RunningHub, body: bytes, hash_of: bytes, client: VxpClient | None = None
) -> tuple[int, dict[str, Any]]:
    params = {"servicetype": "eDoc", "messagetype": "edoc", "from": A}
    params["hash-file"] = java_hex_sha256(hash_of)
    stream = io.BytesIO(body)  # aiohttp sends a stream as is (no re-framing of the bytes)
    client = client or hub.client(A)
    return await client.call("sendEdoc", params, stream, "application/octet-stream")  # type: ignore[arg-type]


async def _delivered(hub: RunningHub) -> bytes:
    receiver = hub.client(B)
    (row,) = (await receiver.get_received_list())["data"]
    return base64.b64decode((await receiver.get_edoc(row["docId"]))["data"])


async def test_file_plus_one_crlf_with_the_hash_of_the_file_is_accepted_and_stored_without_it(
    hub: RunningHub, pki
) -> None:
    data = package_bytes(pki, document(A, (B,)))
    status, reply = await _send(hub, data + b"\r\n", data)
    assert (status, reply["status"]) == (200, "OK"), reply
    assert await _delivered(hub) == data


async def test_a_hash_over_the_whole_body_is_still_accepted_as_is(hub: RunningHub, pki) -> None:
    data = package_bytes(pki, document(A, (B,))) + b"\r\n"  # the CRLF is part of this file
    status, reply = await _send(hub, data, data)
    assert (status, reply["status"]) == (200, "OK"), reply
    assert await _delivered(hub) == data


@pytest.mark.parametrize("trailer", [b"\r\n\r\n", b"\n", b" \r\n", b"\r"])
async def test_no_other_trailer_is_forgiven_5_1_3(hub: RunningHub, pki, trailer: bytes) -> None:
    data = package_bytes(pki, document(A, (B,)))
    status, reply = await _send(hub, data + trailer, data)
    assert (status, reply["status"], reply["ErrorCode"], reply["DocId"]) == (
        400,
        "FAIL",
        "5.1.3",
        "",
    ), reply
    assert await hub.store.count_documents() == 0


async def test_a_spooled_body_loses_its_crlf_by_size(aiohttp_server, hub_cfg: Config, pki) -> None:
    """Beyond the 1 MiB spool threshold the body is a file; the CRLF is truncated off it."""
    cfg = config_mod.replace(hub_cfg, "intake", max_body_bytes=8 * 1024 * 1024)
    await seed(cfg)
    app = create_app(cfg)
    server = await aiohttp_server(app, **server_args(cfg))
    async with aiohttp.ClientSession() as session:
        hub = RunningHub(str(server.make_url("")).rstrip("/"), app, session)
        content = os.urandom(1536 * 1024)
        attachment = Attachment.from_bytes(
            content, content_id="big", attachment_name="big.pdf", content_type="application/pdf"
        )
        pkg = dataclasses.replace(document(A, (B,)), attachments=(attachment,))
        data = package_bytes(pki, pkg)
        assert len(data) > 2 * 1024 * 1024
        status, reply = await _send(hub, data + b"\r\n", data)
        assert (status, reply["status"]) == (200, "OK"), reply
        got = await _delivered(hub)
        assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
        assert [f for f in (cfg.data_dir / "tmp").rglob("*") if f.is_file()] == []


def _refusal(status: int, reply: dict[str, Any], code: str, http: int) -> None:
    assert status == http, reply
    assert (reply["status"], reply["ErrorCode"]) == ("FAIL", code), reply
    assert isinstance(reply["ErrorDesc"], str) and reply["ErrorDesc"]


async def test_every_send_edoc_refusal_carries_an_empty_doc_id(hub: RunningHub, pki) -> None:
    data = package_bytes(pki, document(A, (B,)))
    # auth (wrong secret)
    status, reply = await _send(hub, data, data, hub.client(A, secret="wrong"))
    _refusal(status, reply, "5.8.1", 401)
    assert reply["DocId"] == ""
    # the operation (foreign From), the body (hash), intake (unknown recipient)
    status, reply = await hub.client(B).call(
        "sendEdoc", {"messagetype": "edoc", "from": A, "hash-file": "0"}, data
    )
    _refusal(status, reply, "5.8.6", 403)
    assert reply["DocId"] == ""
    status, reply = await _send(hub, data, b"other")
    _refusal(status, reply, "5.1.3", 400)
    assert reply["DocId"] == ""
    stranger = package_bytes(pki, document(A, ("000.00.00.G10", "999.99.99.Z99")))
    status, reply = await _send(hub, stranger, stranger)
    assert reply["status"] == "FAIL" and reply["DocId"] == "", reply
    # the middleware: a GET, and the overload answer
    async with hub.session.get(f"{hub.endpoint}/sendEdoc") as response:
        _refusal(response.status, await response.json(), "5.1.6", 404)
        assert (await response.json())["DocId"] == ""
    in_flight = hub.app[IN_FLIGHT]  # type: ignore[index]
    saved, in_flight.maximum = in_flight.maximum, 0
    try:
        status, reply = await _send(hub, data, data)
    finally:
        in_flight.maximum = saved
    _refusal(status, reply, "4.7.2", 503)
    assert reply["DocId"] == ""


@pytest.mark.parametrize(
    ("operation", "params", "body", "code", "http"),
    [
        ("getReceivedEdocList", {"messagetype": "bogus"}, b"", "5.1.5", 400),
        ("getEdoc", {"docId": "nope", "filePath": "/srv/dms/edoc"}, b"{}", "5.1.8", 404),
        ("updateStatus", {"docid": "nope", "status": "done"}, b"{}", "5.1.8", 404),
        ("getSentEdocList", {"limit": "x"}, b"", "5.1.5", 400),
        ("getAgenciesList", {"offset": "-1"}, b"", "5.1.5", 400),
        ("registerAgency", {}, b"[]", "5.1.5", 400),
        ("deleteAgency", {}, b"{}", "5.1.4", 400),
    ],
)
async def test_other_operations_refuse_in_the_shape_the_sdk_reads(
    hub: RunningHub, operation: str, params: dict[str, str], body: bytes, code: str, http: int
) -> None:
    status, reply = await hub.client(B).call(operation, params, body)
    _refusal(status, reply, code, http)
    assert "DocId" not in reply  # only sendEdoc's callers read it
