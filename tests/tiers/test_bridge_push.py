"""``POST /bridge/push`` on a provincial hub (docs/tiers.md "Down by push"), in-process on
127.0.0.1:0 with its store on PostgreSQL behind a cuttable proxy: 200 with its DocId after the
commit (a repeat answers the same DocId), 422 with the intake's code for a package it refuses,
503 4.7.1 with Retry-After while it cannot commit, and 200 again once the database is back."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from axis import config as config_mod
from axis.api.app import create_app, server_args
from axis.config import Config
from axis.delivery.signing import sign_push
from axis.pki import devpki
from tests.hub.conftest import A, B, document, hub_cfg, package_bytes, pki, seed  # noqa: F401
from tests.hub.test_pg_outage import CuttableProxy, through_proxy
from tests.support.hubproc import free_port
from tests.tiers.conftest import eventually

HUB_SYSTEM, HUB_SECRET = "00.47.W00", "province-secret-at-national"


@pytest.fixture
def store_backend(pg_dsn: str) -> str:
    return "postgres"


@pytest.fixture
async def province(
    aiohttp_server: Any,
    hub_cfg: Config,  # noqa: F811
) -> AsyncIterator[tuple[str, CuttableProxy]]:
    await seed(hub_cfg)
    cfg, proxy = await through_proxy(hub_cfg)
    cfg = config_mod.replace(cfg, "store", retry_after_s=7)
    cfg = config_mod.replace(
        cfg, "upstream", url=f"http://127.0.0.1:{free_port()}", system_id=HUB_SYSTEM,
        secret=HUB_SECRET, poll_interval_s=60.0, sync_interval_s=3600.0,
    )  # fmt: skip
    server = await aiohttp_server(create_app(cfg), **server_args(cfg))
    try:
        yield f"{str(server.make_url('')).rstrip('/')}/bridge/push", proxy
    finally:
        await proxy.stop()


async def push(url: str, data: bytes, sender: str, to: str) -> tuple[int, dict[str, Any], str]:
    params = {
        "systemid": HUB_SYSTEM, "docid": "national-delivery-1", "to": to, "messagetype": "edoc",
        "attempt": "1", "hash-file": hashlib.sha256(data).hexdigest(), "from": sender,
    }  # fmt: skip
    headers = sign_push(HUB_SECRET, params, datetime.now(UTC))
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=data, headers=headers) as r,
    ):
        return r.status, await r.json(content_type=None), r.headers.get("Retry-After", "")


async def test_a_push_down_is_answered_after_the_commit_refused_with_a_code_or_deferred(
    province: tuple[str, CuttableProxy],
    pki: devpki.DevPki,  # noqa: F811
) -> None:
    url, proxy = province
    data = package_bytes(pki, document(A, (B,)))
    status, answer, _ = await push(url, data, A, B)
    assert status == 200 and answer["DocId"], answer
    assert (await push(url, data, A, B))[1]["DocId"] == answer["DocId"]  # idempotent

    unknown = package_bytes(pki, document(A, ("000.77.31.H41",)))
    status, refused, _ = await push(url, unknown, A, "000.77.31.H41")
    assert (status, refused["ErrorCode"]) == (422, "5.5.1"), refused

    later = package_bytes(pki, document(A, (B,)))
    proxy.sever()
    status, deferred, retry_after = await push(url, later, A, B)
    assert (status, deferred["ErrorCode"], retry_after) == (503, "4.7.1", "7"), deferred
    proxy.cut = False

    async def stored() -> dict[str, Any] | None:
        status, answer, _ = await push(url, later, A, B)
        return answer if status == 200 else None

    assert (await eventually(stored, timeout_s=30))["DocId"]
