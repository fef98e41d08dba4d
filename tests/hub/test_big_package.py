"""Large packages through a real hub: spooled to disk at the door, stored and fetched intact.

Memory itself is measured by the bench (bench/run.py big_package); here a ~12 MB signed package
(beyond the spool threshold and libxml2's default text-node limit) must arrive byte-identical,
and the spool file must be gone once the request is answered; and a 50 MB one, on each store
backend.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from axis import config as config_mod
from axis.api.app import create_app, server_args
from axis.config import Config
from axis.edxml import Attachment, build, load, parse
from axis.pki import devpki
from tests.hub.conftest import A, B, RunningHub, document, seed, signed
from tests.support.vxp_client import java_hex_sha256

ATTACHMENT_BYTES = 9 * 1024 * 1024  # ~12 MB of base64 in the package


@pytest.fixture
async def big_hub(aiohttp_server, hub_cfg: Config) -> AsyncIterator[RunningHub]:
    cfg = config_mod.replace(hub_cfg, "intake", max_body_bytes=64 * 1024 * 1024)
    await seed(cfg)
    app = create_app(cfg)
    server = await aiohttp_server(app, **server_args(cfg))
    async with aiohttp.ClientSession() as session:
        yield RunningHub(str(server.make_url("")).rstrip("/"), app, session)


async def _send(hub: RunningHub, data: bytes) -> dict[str, Any]:
    """sendEdoc with the body as a stream (aiohttp warns about large raw bytes bodies)."""
    params = {"servicetype": "eDoc", "messagetype": "edoc", "from": A}
    params["hash-file"] = java_hex_sha256(data)
    body = io.BytesIO(data)
    _, payload = await hub.client(A).call("sendEdoc", params, body, "application/octet-stream")  # type: ignore[arg-type]
    return payload


def _big_package(pki: devpki.DevPki, attachment_bytes: int = ATTACHMENT_BYTES) -> bytes:
    content = os.urandom(attachment_bytes)
    attachment = Attachment.from_bytes(
        content, content_id="big", attachment_name="big.pdf", content_type="application/pdf"
    )
    pkg = document(A, (B,))
    pkg = dataclasses.replace(pkg, attachments=(attachment,))
    return signed(pki, A, build(pkg))


async def test_a_12_mb_package_is_spooled_stored_and_fetched_byte_identical(
    big_hub: RunningHub, pki: devpki.DevPki, hub_cfg: Config
) -> None:
    data = _big_package(pki)
    assert len(data) > 12 * 1024 * 1024
    sent = await _send(big_hub, data)
    assert sent["status"] == "OK", sent
    spool = Path(hub_cfg.hub.data_dir) / "tmp"
    assert spool.is_dir() and [f for f in spool.rglob("*") if f.is_file()] == []
    receiver = big_hub.client(B)
    (row,) = (await receiver.get_received_list())["data"]
    fetched = await receiver.get_edoc(row["docId"])
    assert fetched["status"] == "OK"
    got = base64.b64decode(fetched["data"])
    assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    (attachment,) = parse(load(got).root).attachments
    assert attachment.decoded_size == ATTACHMENT_BYTES


async def test_a_50_mb_package_is_stored_and_fetched_byte_identical(
    big_hub: RunningHub, pki: devpki.DevPki
) -> None:
    """The size issue 9 names, on each backend (PostgreSQL: in bytea chunk rows, read back one
    chunk per query; docs/decisions.md "Large packages on PostgreSQL")."""
    data = _big_package(pki, 37 * 1024 * 1024)
    assert len(data) > 50 * 1000 * 1000
    sent = await _send(big_hub, data)
    assert sent["status"] == "OK", sent
    receiver = big_hub.client(B)
    (row,) = (await receiver.get_received_list())["data"]
    fetched = await receiver.get_edoc(row["docId"])
    assert (
        hashlib.sha256(base64.b64decode(fetched["data"])).digest() == hashlib.sha256(data).digest()
    )


async def test_a_large_body_with_a_doctype_is_refused_and_leaves_no_spool_file(
    big_hub: RunningHub, hub_cfg: Config
) -> None:
    filler = b"<!-- " + b"x" * (2 * 1024 * 1024) + b" -->"
    data = b'<?xml version="1.0"?>\n' + filler + b'<!DOCTYPE edXML [<!ENTITY a "b">]><edXML/>'
    reply = await _send(big_hub, data)
    assert (reply["status"], reply["ErrorCode"]) == ("FAIL", "5.2.2"), reply
    assert [f for f in (Path(hub_cfg.hub.data_dir) / "tmp").rglob("*") if f.is_file()] == []
