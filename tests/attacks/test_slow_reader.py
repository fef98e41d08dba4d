"""A slow getEdoc reader does not pin the SQLite WAL (docs/security.md, Resource exhaustion).

A large document is streamed from the store in chunks while the test drains it slowly and
other packages are stored in between: the WAL file must stay bounded (checkpoints keep
recycling it) instead of growing by everything written while the read lasts.
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from axis import config as config_mod
from axis.api.app import create_app, server_args
from axis.config import Config
from axis.edxml import Attachment, build
from axis.store.sqlite_blobs import StoredBlob
from tests.hub.conftest import A, B, RunningHub, document, seed, signed
from tests.support.vxp_client import java_hex_sha256

PACKAGE_BYTES = 2 * 1024 * 1024  # each write: ~2.7 MB of base64 in one package
WRITES = 8  # ~22 MB written while the reader reads


@pytest.fixture
async def big_hub(aiohttp_server, hub_cfg: Config) -> AsyncIterator[RunningHub]:
    cfg = config_mod.replace(hub_cfg, "intake", max_body_bytes=16 * 1024 * 1024)
    await seed(cfg)
    app = create_app(cfg)
    server = await aiohttp_server(app, **server_args(cfg))
    async with aiohttp.ClientSession() as session:
        yield RunningHub(str(server.make_url("")).rstrip("/"), app, session)


def _package(pki) -> bytes:
    attachment = Attachment.from_bytes(
        os.urandom(PACKAGE_BYTES), content_id="big", attachment_name="big.pdf",
        content_type="application/pdf",
    )  # fmt: skip
    return signed(pki, A, build(dataclasses.replace(document(A, (B,)), attachments=(attachment,))))


async def _send(hub: RunningHub, data: bytes) -> None:
    params = {"servicetype": "eDoc", "messagetype": "edoc", "from": A,
              "hash-file": java_hex_sha256(data)}  # fmt: skip
    _, payload = await hub.client(A).call(
        "sendEdoc",
        params,
        io.BytesIO(data),
        "application/octet-stream",  # type: ignore[arg-type]
    )
    assert payload["status"] == "OK", payload


async def test_the_wal_stays_bounded_while_a_slow_reader_streams_a_document(big_hub, pki) -> None:
    hub = big_hub
    packages = [_package(pki) for _ in range(WRITES + 1)]
    await _send(hub, packages[0])
    delivery = (await hub.client(B).get_received_list())["data"][0]["docId"]
    blob = await hub.store.fetch_document(delivery, "00.47.W00", 1 << 20)
    assert isinstance(blob, StoredBlob)
    wal = Path(hub.store.path + "-wal")  # type: ignore[attr-defined]

    largest_wal, received = 0, []
    stream = blob.chunks(chunk=3 * 64 * 1024)
    received.append(await anext(stream))  # the reader is now in the middle of the document
    for data in packages[1:]:
        await _send(hub, data)  # other systems keep writing while the reader dawdles
        largest_wal = max(largest_wal, wal.stat().st_size)
        received.append(await anext(stream))
    received.extend([piece async for piece in stream])

    written = sum(len(p) for p in packages[1:])
    assert b"".join(received) == packages[0]
    assert largest_wal < written / 2, (largest_wal, written)
