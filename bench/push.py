"""Push delivery beside pull: deliveries/s a real hub (child process) sustains to 1, 10 and 100
endpoints, pulled by SDK clients or pushed by its queue manager, and pushed with half the
endpoints down (docs/delivery.md).

Each run gets a fresh data directory whose store is seeded directly (save_incoming, as intake's
last stage writes it) with the same queue: ``BENCH_PUSH_DOCS`` (default 2000 x BENCH_SCALE)
packages of ``BENCH_PUSH_KB`` (default 20) KB, one recipient each, spread over the endpoints'
systems. Only delivery is measured: pull = list, fetch, acknowledge over the SDK wire protocol,
one client per system, timed from the first list (the hub already up); push = the hub's queue
manager POSTing to receivers in this process (tests/support/push_receiver.py: they verify
every signature and hash), timed from the first delivery to the last. With half the endpoints
down (503), it reports the rate to the healthy half while the rest back off behind open
circuits. Run alone: ``python -m bench.push``; ``make bench`` runs it after the main bench
(``BENCH_PUSH=0`` skips it).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from axis import config as config_mod
from axis.directory import demo
from axis.store import open_store
from axis.store.base import AgencyRow, NewDelivery, NewDocument
from tests.support.hubproc import HubProcess
from tests.support.push_receiver import Receiver
from tests.support.vxp_client import VxpClient

SCALE = float(os.environ.get("BENCH_SCALE", "1.0"))
DOCS = int(int(os.environ.get("BENCH_PUSH_DOCS", "2000")) * SCALE)
SIZE_KB = float(os.environ.get("BENCH_PUSH_KB", "20"))
ENDPOINTS = (1, 10, 100)
SENDER, SENDER_SYSTEM = "000.00.00.G22", "00.00.G22"
DELIVERY = (
    "[delivery]\npoll_interval_s = 0.05\nmax_in_flight = 64\nmax_in_flight_per_endpoint = 16\n"
    "page_size = 100\nbackoff_s = [5.0, 30.0]\ncircuit_failures = 5\ncircuit_open_s = 5.0\n"
)


def system_id(n: int) -> str:
    return f"00.99.P{n:02d}"


def agency_id(n: int) -> str:
    return f"000.{n // 90 + 10:02d}.{n % 90 + 10:02d}.H47"


def secret(system: str) -> str:
    return f"bench-secret-{system}"


async def seed(data_dir: Path, endpoints: int, docs: int) -> None:
    cfg = config_mod.replace(config_mod.Config(), "hub", data_dir=str(data_dir))
    store = await open_store(cfg)
    try:
        await store.import_agencies(demo.agencies())
        await store.add_system(SENDER_SYSTEM, secret(SENDER_SYSTEM), "sender")
        await store.assign_agencies(SENDER_SYSTEM, [SENDER])
        for n in range(endpoints):
            await store.add_system(system_id(n), secret(system_id(n)), f"endpoint {n}")
            await store.add_agency(AgencyRow(agency_id(n), system_id=system_id(n)))
        body = b"<edXML>" + b"x" * int(SIZE_KB * 1024) + b"</edXML>"
        for start in range(0, docs, 200):
            await asyncio.gather(
                *(
                    store.save_incoming(*_document(i, body, endpoints))
                    for i in range(start, min(docs, start + 200))
                )
            )
    finally:
        await store.close()


def _document(i: int, body: bytes, endpoints: int) -> tuple[NewDocument, list[NewDelivery]]:
    data = body + str(i).encode()
    doc = NewDocument(
        id=f"bench-{i:07d}", from_agency=SENDER, system_id=SENDER_SYSTEM, message_type="edoc",
        document_id=f"{SENDER},2026/12/02,{i}/BENCH", business_type=0, original_id=None,
        status_code="", sha256=hashlib.sha256(data).hexdigest(), data=data, subject="bench",
        notation=f"{i}/BENCH", findings=(), created_at=_now(),
    )  # fmt: skip
    n = i % endpoints
    return doc, [NewDelivery(f"bench-d{i:07d}", agency_id(n), "edoc", system_id(n))]


def _now() -> str:
    from axis.store.sqlite import now

    return now()


async def pull_run(tmp: Path, endpoints: int) -> dict[str, Any]:
    data_dir = tmp / f"pull-{endpoints}"
    await seed(data_dir, endpoints, DOCS)
    hub = HubProcess(data_dir, demo=False, hub_settings=_unlimited())
    hub.start()
    try:
        started = time.perf_counter()
        async with aiohttp.ClientSession() as session:
            counts = await asyncio.gather(
                *(_pull_system(hub.endpoint, system_id(n), session) for n in range(endpoints))
            )
        elapsed = time.perf_counter() - started
    finally:
        hub.stop()
    return _row("pull", endpoints, sum(counts), elapsed)


async def _pull_system(endpoint: str, system: str, session: aiohttp.ClientSession) -> int:
    client = VxpClient(endpoint, system, secret(system), session=session)
    done = 0
    while True:
        rows = (await client.get_received_list("edoc", limit=100)).get("data") or []
        if not rows:
            return done
        for row in rows:
            await client.get_edoc(row["docId"])
            await client.update_status(row["docId"], "done")
            done += 1


async def push_run(tmp: Path, endpoints: int, down: int = 0) -> dict[str, Any]:
    data_dir = tmp / f"push-{endpoints}-{down}"
    await seed(data_dir, endpoints, DOCS)
    receivers = [
        await Receiver(system_id(n), secret(system_id(n))).start() for n in range(endpoints)
    ]
    for receiver in receivers[:down]:
        receiver.mode = "down"
    systems = "".join(
        f'[delivery.systems."{r.system_id}"]\nmode = "push"\nurl = "{r.url}"\n' for r in receivers
    )
    hub = HubProcess(
        data_dir, demo=False, hub_settings=_unlimited(), extra_config=DELIVERY + systems
    )
    expected = sum(1 for i in range(DOCS) if i % endpoints >= down)
    try:
        started = time.perf_counter()
        hub.start()
        while sum(len(r.answered_ok) for r in receivers) < expected:
            await asyncio.sleep(0.05)
            if time.perf_counter() - started > 600:
                raise SystemExit(f"push to {endpoints} endpoints did not finish; {hub.output()}")
        # From the first delivery to the last: the hub's start-up is not delivery time.
        ok = [r for r in receivers if r.answered_ok]
        elapsed = max(r.last_ok_at for r in ok) - min(r.first_ok_at for r in ok)
        tries_down = sum(r.requests.total() for r in receivers[:down])
    finally:
        hub.stop()
        for receiver in receivers:
            await receiver.stop()
    duplicates = sum(n - 1 for r in receivers for n in r.answered_ok.values())
    row = _row("push" if not down else "push, half down", endpoints, expected, elapsed)
    return {**row, "duplicates": duplicates, "tries_to_down_endpoints": tries_down}


def _unlimited() -> str:
    """Each simulated system is one busy integrator: the fairness limits would measure themselves."""
    return (
        "requests_per_s_per_system = 1000000.0\nmax_in_flight_per_system = 1024\n"
        "max_unauthenticated_connections_per_peer = 1024\n"
    )


def _row(mode: str, endpoints: int, delivered: int, seconds: float) -> dict[str, Any]:
    return {
        "scenario": "push vs pull",
        "mode": mode,
        "endpoints": endpoints,
        "delivered": delivered,
        "seconds": round(seconds, 2),
        "per_s": round(delivered / seconds, 1),
    }


async def main() -> list[dict[str, Any]]:
    print(f"== push vs pull: {DOCS} packages of {SIZE_KB:g} KB, one recipient each")
    rows = []
    with tempfile.TemporaryDirectory(prefix="axis-push-bench-") as tmp:
        for endpoints in ENDPOINTS:
            for row in (
                await pull_run(Path(tmp), endpoints),
                await push_run(Path(tmp), endpoints),
            ):
                print(json.dumps(row))
                rows.append(row)
        half = await push_run(Path(tmp), 100, down=50)
        print(json.dumps(half))
        rows.append(half)
    print(f"{'mode':18} {'endpoints':>9} {'delivered':>9} {'s':>7} {'per s':>8}")
    for row in rows:
        print(f"{row['mode']:18} {row['endpoints']:9d} {row['delivered']:9d} "
              f"{row['seconds']:7.2f} {row['per_s']:8.1f}")  # fmt: skip
    return rows


if __name__ == "__main__":
    asyncio.run(main())
