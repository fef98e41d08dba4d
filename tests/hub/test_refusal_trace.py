"""Every refusal is traceable (docs/reliability.md §2): "why did our send fail at 10:42?".

The real daemon runs as a child process (tests.support.hubproc.Hub) with JSON logs; a refused send at a
known moment must show up in its log output as ONE grep-able line with its code, be counted on
GET /stats, and, when the package was read far enough to know it, be in the refusals table
under the same request id. The HMAC and the secret never appear in the log.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from axis.config import Config
from axis.store import open_store
from axis.store.base import Refusal
from tests.hub.conftest import SECRETS, SYSTEM_OF, A, B, document, package_bytes, seed
from tests.support.hubproc import HubProcess
from tests.support.vxp_client import VxpClient

UNKNOWN = "000.00.00.H98"


@pytest.fixture
def store_backend() -> str:
    """The child hub runs on its own SQLite file (tests.support.hubproc writes its config)."""
    return "sqlite"


def _refused_lines(log: str) -> list[dict]:
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("event") == "refused"]


async def test_a_refused_send_is_one_log_line_counted_and_recorded(
    tmp_path: Path, hub_cfg: Config, pki
) -> None:
    await seed(hub_cfg)
    hub = HubProcess(
        tmp_path,
        hub_settings=f'key_dir = "{hub_cfg.hub.key_dir}"',
        extra_config=f'[signature]\ntrust_dir = "{hub_cfg.signature.trust_dir}"\n',
        demo=False,
    )
    known = package_bytes(pki, document(A, (B, UNKNOWN)))  # read fully, then 5.5.1
    hub.start()
    try:
        async with aiohttp.ClientSession() as session:
            client = VxpClient(hub.endpoint, SYSTEM_OF[A], SECRETS[SYSTEM_OF[A]], session=session)
            before = datetime.now(UTC) - timedelta(seconds=1)
            assert (await client.send_edoc(known, A))["ErrorCode"] == "5.5.1"
            params = {"servicetype": "eDoc", "messagetype": "edoc", "from": A, "hash-file": "0"}
            headers = client.signed_headers(params, "application/octet-stream")
            async with session.post(f"{hub.endpoint}/sendEdoc", data=known, headers=headers) as r:
                assert (await r.json())["ErrorCode"] == "5.1.3"  # hash-file: log line only
                assert len(r.headers["X-Request-Id"]) == 12
            after = datetime.now(UTC) + timedelta(seconds=1)
            async with session.get(f"{hub.endpoint}/stats") as stats:
                counted = (await stats.json())["refused"]
    finally:
        hub.stop()
    log = Path(hub.output()).read_text(encoding="utf-8")
    lines = _refused_lines(log)
    assert [line["code"] for line in lines] == ["5.5.1", "5.1.3"]
    first = lines[0]
    assert before <= datetime.fromisoformat(first["timestamp"]) <= after
    assert (first["operation"], first["system"], first["claimed_from"]) == (
        "sendEdoc",
        SYSTEM_OF[A],
        A,
    )
    assert first["peer"] == "127.0.0.1" and UNKNOWN in first["reason"]
    assert lines[1]["request_id"] == r.headers["X-Request-Id"]
    assert sum(first["request_id"] in line for line in log.splitlines()) == 1  # one line
    assert headers["XroadVnpt-hash-header"] not in log
    assert SECRETS[SYSTEM_OF[A]] not in log
    assert counted == {"total": 2, "by_code": {"5.1.3": 1, "5.5.1": 1}}

    store = await open_store(hub_cfg)
    try:
        recorded = await store.list_refusals(A)
    finally:
        await store.close()
    assert [(x.code, x.system_id, x.request_id) for x in recorded] == [
        ("5.5.1", SYSTEM_OF[A], first["request_id"])
    ]  # the 5.1.3 refusal never reached the checks: not recorded
    assert recorded[0].sha256 == hashlib.sha256(known).hexdigest()
    assert recorded[0].document_id.startswith(f"{A},2026/11/23,")


async def test_recorded_refusals_older_than_the_retention_are_pruned(hub_cfg: Config) -> None:
    store = await open_store(hub_cfg)
    try:
        old = (datetime.now(UTC) - timedelta(days=91)).isoformat(timespec="milliseconds")
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        await store.record_refusal(Refusal(old, "r-old", "5.5.1", "s", A, "d", "h", ""), 90)
        await store.record_refusal(Refusal(now, "r-new", "5.5.1", "s", A, "d", "h", ""), 90)
        assert [x.request_id for x in await store.list_refusals()] == ["r-new"]
    finally:
        await store.close()
