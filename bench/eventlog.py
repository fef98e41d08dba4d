"""What the delivery log costs: intake and delivery throughput with the log on vs off.

Runs the hub's own Store (SQLite in a temp dir; PostgreSQL too with --pg DSN) in this process,
as the hub drives it: ``concurrency`` packages stored at once (save_incoming: document, two
deliveries, and with the log on its received + 2 routed events, chained), then every delivery
fetched and acknowledged at once (fetch + acknowledge: one event each). No parsing or
signature checks: the log's cost is measured against the store's work alone, an upper bound
on its share of a real hub's time. Rounds alternate on/off and the best of each is kept
(the machine is shared). Usage:

    python -m bench.eventlog [--packages 2000] [--rounds 3] [--pg postgresql://...]

A second figure, ``checked_intake_per_s``, puts the door's own work in front of the store:
each package (10 KB, signed with an RSA dev PKI) goes through Checker.check (parse, schema,
signature and chain, in a thread pool as the hub runs it) and then save_incoming: the hub's
in-process intake floor (bench/floor.py), log on vs off.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg

from axis import config as config_mod
from axis.intake.checker import Checker, load_trust
from axis.intake.context import Intake
from axis.intake.persist import document_row
from axis.pki import devpki
from axis.pki.signing import sign
from axis.store import open_store
from axis.store.base import AgencyRow, NewDelivery, NewDocument, Store
from axis.store.sqlite import now
from tests.support.packages import make_package

SENDER, RECIPIENTS, SYSTEM = "000.00.00.G22", ("000.00.00.H47", "000.00.00.H41"), "00.47.W00"
PACKAGE_BYTES = 12_000  # a typical signed edXML letter with a small attachment


@dataclass(frozen=True)
class Result:
    backend: str
    log: bool
    intake_per_s: float
    delivery_per_s: float
    intake_cpu_ms: float  # this process's CPU (all threads) per package stored
    checked_intake_per_s: float  # with the door's checks in front (see the module doc)
    delivery_cpu_ms: float  # per delivery fetched and acknowledged


def _document() -> NewDocument:
    data = os.urandom(PACKAGE_BYTES)
    return NewDocument(
        id=str(uuid.uuid4()), from_agency=SENDER, system_id="00.00.G22", message_type="edoc",
        document_id=f"bench-{uuid.uuid4().hex}", business_type=0, original_id=None,
        status_code="", sha256=hashlib.sha256(data).hexdigest(), data=data, subject="bench",
        notation="B", findings=(), created_at=now(),
    )  # fmt: skip


async def _gather_limited(jobs: list, concurrency: int) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def run(job) -> None:  # type: ignore[no-untyped-def]
        async with gate:
            await job()

    await asyncio.gather(*(run(job) for job in jobs))


async def _round(store: Store, packages: int, concurrency: int) -> tuple[float, ...]:
    docs = [_document() for _ in range(packages)]
    deliveries: list[str] = []

    def save(doc: NewDocument):  # type: ignore[no-untyped-def]
        rows = [NewDelivery(str(uuid.uuid4()), agency, "edoc", SYSTEM) for agency in RECIPIENTS]
        deliveries.extend(row.id for row in rows)
        return lambda: store.save_incoming(doc, rows)

    began, cpu = time.perf_counter(), time.process_time()
    await _gather_limited([save(doc) for doc in docs], concurrency)
    intake = packages / (time.perf_counter() - began)
    intake_cpu = (time.process_time() - cpu) * 1000 / packages

    def deliver(delivery_id: str):  # type: ignore[no-untyped-def]
        async def job() -> None:
            await store.fetch(delivery_id, SYSTEM)
            await store.acknowledge(delivery_id, SYSTEM, True, "")

        return job

    began, cpu = time.perf_counter(), time.process_time()
    await _gather_limited([deliver(d) for d in deliveries], concurrency)
    delivery = len(deliveries) / (time.perf_counter() - began)
    delivery_cpu = (time.process_time() - cpu) * 1000 / len(deliveries)
    return intake, delivery, intake_cpu, delivery_cpu


def signed_packages(folder: str, count: int) -> tuple[str, list[bytes]]:
    """``count`` signed 10 KB packages from SENDER to RECIPIENTS; the trust directory."""
    pki = devpki.init(Path(folder) / "pki", [(SENDER, "Văn phòng Chính phủ")], key_type="rsa")
    paths = pki.agency(SENDER)
    key, cert = paths.key.read_bytes(), paths.cert.read_bytes()
    chain = paths.chain.read_bytes() if paths.chain.exists() else b""
    packages = [
        sign(make_package(SENDER, list(RECIPIENTS), number=n), key, cert, chain_pem=chain)
        for n in range(count)
    ]
    return str(pki.trust_dir), packages


async def _checked_round(
    store: Store, checker: Checker, packages: list[bytes], concurrency: int
) -> float:
    """Packages per second through the door's checks (thread pool) and save_incoming."""
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(4) as pool:

        def job(data: bytes):  # type: ignore[no-untyped-def]
            async def run() -> None:
                checked = await loop.run_in_executor(pool, checker.check, data)
                ctx = Intake(data, "bench", SENDER, "edoc", datetime.now().astimezone(),
                             check_result=checked)  # fmt: skip
                rows = [NewDelivery(str(uuid.uuid4()), a, "edoc", SYSTEM) for a in RECIPIENTS]
                await store.save_incoming(document_row(ctx), rows)

            return run

        began = time.perf_counter()
        await _gather_limited([job(data) for data in packages], concurrency)
        return len(packages) / (time.perf_counter() - began)


async def _open(backend: str, dsn: str, folder: str, log: bool) -> Store:
    raw: dict[str, dict[str, object]] = {
        "hub": {"data_dir": folder},
        "eventlog": {"enabled": log},
        "store": {"backend": backend, "dsn": dsn, "pool_size": 16}
        if backend == "postgres"
        else {"path": f"bench-{uuid.uuid4().hex}.db"},
    }
    store = await open_store(config_mod.from_dict(raw))
    await store.import_agencies(
        [AgencyRow(SENDER, system_id="00.00.G22")]
        + [AgencyRow(a, system_id=SYSTEM) for a in RECIPIENTS]
    )
    return store


async def _fresh_schema(base: str) -> str:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(base)
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")
    finally:
        await conn.close()
    return f"{base}{'&' if '?' in base else '?'}search_path={schema}"


async def _drop_schema(base: str, dsn: str) -> None:
    conn = await asyncpg.connect(base)
    try:
        await conn.execute(f"DROP SCHEMA {dsn.rsplit('search_path=', 1)[1]} CASCADE")
    finally:
        await conn.close()


async def measure(
    backend: str, packages: int, rounds: int, concurrency: int, pg: str = ""
) -> list[Result]:
    inf = float("inf")
    best: dict[bool, tuple[float, ...]] = {True: (0, 0, inf, inf), False: (0, 0, inf, inf)}
    checked_best = {True: 0.0, False: 0.0}
    with tempfile.TemporaryDirectory(prefix="axis-eventlog-bench-") as folder:
        trust, signed = signed_packages(folder, min(packages, 500))
        checker = Checker(config_mod.Config(), load_trust(Path(trust)))
        for _ in range(rounds):
            for log in (True, False):
                dsn = await _fresh_schema(pg) if backend == "postgres" else ""
                store = await _open(backend, dsn, folder, log)
                try:
                    got = await _round(store, packages, concurrency)
                    checked = await _checked_round(store, checker, signed, concurrency)
                    checked_best[log] = max(checked_best[log], checked)
                finally:
                    await store.close()
                    if backend == "postgres":
                        await _drop_schema(pg, dsn)
                old = best[log]
                best[log] = (*map(max, old[:2], got[:2]), *map(min, old[2:], got[2:]))
    return [
        Result(
            backend,
            log,
            intake_per_s=best[log][0],
            delivery_per_s=best[log][1],
            intake_cpu_ms=best[log][2],
            delivery_cpu_ms=best[log][3],
            checked_intake_per_s=checked_best[log],
        )
        for log in (True, False)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--pg", default="", help="PostgreSQL DSN: measure that backend too")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.pg else ["sqlite"]
    report = []
    for backend in backends:
        on, off = asyncio.run(
            measure(backend, args.packages, args.rounds, args.concurrency, args.pg)
        )
        row = {
            "backend": backend,
            "intake_per_s": {"log_on": round(on.intake_per_s), "log_off": round(off.intake_per_s)},
            "delivery_per_s": {
                "log_on": round(on.delivery_per_s),
                "log_off": round(off.delivery_per_s),
            },
            "checked_intake_per_s": {
                "log_on": round(on.checked_intake_per_s),
                "log_off": round(off.checked_intake_per_s),
            },
            "checked_intake_ratio": round(on.checked_intake_per_s / off.checked_intake_per_s, 3),
            "intake_ratio": round(on.intake_per_s / off.intake_per_s, 3),
            "delivery_ratio": round(on.delivery_per_s / off.delivery_per_s, 3),
            "cpu_ms_per_package": {
                "log_on": round(on.intake_cpu_ms, 3),
                "log_off": round(off.intake_cpu_ms, 3),
            },
            "cpu_ms_per_delivery": {
                "log_on": round(on.delivery_cpu_ms, 3),
                "log_off": round(off.delivery_cpu_ms, 3),
            },
        }
        report.append(row)
        print(json.dumps(row))


if __name__ == "__main__":
    main()
