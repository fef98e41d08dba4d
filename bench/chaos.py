"""`make chaos`: SIGKILL the hub at random moments under load and count what was lost.

Senders push uniquely numbered packages; when a request dies with the hub they retry the same
bytes once it is back (the hub answers a retry of identical bytes with the original DocId).
Receivers list, fetch and acknowledge throughout. A killer SIGKILLs the hub at random moments
and restarts it. At the end every package the hub answered OK must have been delivered to
every recipient, no acknowledged delivery may be offered again, and the hub's sent list must
agree with what the senders saw. Ends with one line:
``chaos: N packages, K kills, lost L, duplicated D``.
Knobs: CHAOS_PACKAGES (default 10000), CHAOS_KILLS (default 20), CHAOS_SEED.

``--backend postgres --nodes 2``: the same run against two hub processes on one PostgreSQL
database (a fresh schema of CHAOS_PG_DSN, dropped after), as behind a load balancer: each
request goes to a node that is up, and each kill hits a random node while the other serves.

``--postgres-outage SECONDS`` (with ``--backend postgres``): halfway through, PostgreSQL itself
is stopped for SECONDS and started again (``CHAOS_PG_STOP`` / ``CHAOS_PG_START``, by default
Debian's pg_ctlcluster for the machine's cluster). Meanwhile every node must answer /healthz
with 503 and Retry-After, and afterwards recover without a restart. It stops the machine's
PostgreSQL: an operator's run, never part of ``make test``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shlex
import subprocess
import tempfile
import uuid
from base64 import b64decode
from collections import defaultdict
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from bench.loadgen import System
from bench.run import HUB_SETTINGS
from tests.support.hubproc import HubProcess
from tests.support.packages import make_package
from tests.support.vxp_client import VxpClient

DOCUMENT_ID = re.compile(rb"<edXML:DocumentId>([^<]+)</edXML:DocumentId>")
RETRYABLE = (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)


_CLUSTER = next(iter(sorted(p.name for p in Path("/etc/postgresql").glob("*"))), "15")
PG_STOP = os.environ.get(
    "CHAOS_PG_STOP", f"pg_ctlcluster --skip-systemctl-redirect {_CLUSTER} main stop"
)
PG_START = os.environ.get(
    "CHAOS_PG_START", f"pg_ctlcluster --skip-systemctl-redirect {_CLUSTER} main start"
)


@dataclass
class Ledger:
    """What the load generator saw: the ground truth the hub is checked against."""

    accepted: dict[str, str] = field(default_factory=dict)  # DocumentId -> DocId
    recipients: dict[str, tuple[str, ...]] = field(default_factory=dict)
    delivered: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    acked_deliveries: set[str] = field(default_factory=set)
    duplicates: int = 0
    kills: int = 0
    sending_done: bool = False
    outages: int = 0
    outage_answers: list[str] = field(default_factory=list)  # /healthz while PostgreSQL is down


class Route:
    """One system's clients, one per node; each call goes to a node that is up (a load
    balancer's view). A single node is the original chaos run."""

    def __init__(self, clients: list[VxpClient], ups: list[asyncio.Event]) -> None:
        self.clients, self.ups = clients, ups
        for client in clients[1:]:  # one SDK: never the same signed header twice (5.8.4)
            client._recent = clients[0]._recent

    async def client(self) -> VxpClient:
        while True:
            up = [c for c, event in zip(self.clients, self.ups, strict=True) if event.is_set()]
            if up:
                return random.choice(up)
            await asyncio.sleep(0.02)


async def _with_retry(action: Callable[[VxpClient], Awaitable[Any]], route: Route) -> Any:
    while True:
        client = await route.client()
        try:
            reply = await action(client)
        except RETRYABLE:
            await asyncio.sleep(0.05)
            continue
        if str(reply.get("ErrorCode")).startswith("4."):
            # Transient by the catalogue (store down, overloaded, this system's share or rate
            # exceeded): a real DMS waits and sends the same request again.
            await asyncio.sleep(0.1)
            continue
        return reply


async def sender(
    route: Route,
    agency: str,
    targets: list[str],
    numbers: range,
    ledger: Ledger,
) -> None:
    rng = random.Random(numbers.start)
    for number in numbers:
        recipients = rng.sample(targets, k=min(len(targets), rng.randint(1, 3)))
        data = make_package(agency, recipients, size_kb=4, number=number)
        document_id = DOCUMENT_ID.search(data).group(1).decode()  # type: ignore[union-attr]
        reply = await _with_retry(lambda c, d=data: c.send_edoc(d, agency), route)
        if reply.get("status") == "OK":
            ledger.accepted[document_id] = str(reply["DocId"])
            ledger.recipients[document_id] = tuple(recipients)
        else:
            raise SystemExit(f"chaos: package refused: {reply}")


async def receiver(route: Route, ledger: Ledger, stop: asyncio.Event) -> None:
    while not stop.is_set():
        listing = await _with_retry(lambda c: c.get_received_list("edoc"), route)
        rows = listing.get("data") or []
        if not rows:
            await asyncio.sleep(0.05)
            continue
        for row in rows:
            delivery = str(row["docId"])
            if delivery in ledger.acked_deliveries:
                ledger.duplicates += 1
                continue
            fetched = await _with_retry(lambda c, d=delivery: c.get_edoc(d), route)
            if fetched.get("status") != "OK":
                continue
            match = DOCUMENT_ID.search(b64decode(fetched["data"]))
            recipient = str(row.get("to", ""))
            if match:
                ledger.delivered[match.group(1).decode()].add(recipient)
            ack = await _with_retry(lambda c, d=delivery: c.update_status(d, "done"), route)
            if ack.get("status") == "OK":
                ledger.acked_deliveries.add(delivery)


async def killer(
    hubs: list[HubProcess],
    packages: int,
    kills: int,
    ledger: Ledger,
    ups: list[asyncio.Event],
    seed: int,
) -> None:
    """SIGKILL a random hub ``kills`` times, spread over the run by progress, at random moments
    inside each stretch (so kills land mid-request, mid-commit, mid-fetch)."""
    rng = random.Random(seed)
    stretch = packages / (kills + 1)
    for n in range(1, kills + 1):
        threshold = (n - 1) * stretch + rng.uniform(0.5, 1.0) * stretch
        while len(ledger.accepted) < threshold and not ledger.sending_done:
            await asyncio.sleep(0.01)
        await asyncio.sleep(rng.uniform(0.0, 0.05))
        victim = rng.randrange(len(hubs))
        ups[victim].clear()
        hubs[victim].kill()
        ledger.kills += 1
        await asyncio.to_thread(hubs[victim].start)
        ups[victim].set()


async def postgres_outage(
    hubs: list[HubProcess], packages: int, seconds: float, ledger: Ledger
) -> None:
    """Halfway through, stop PostgreSQL for ``seconds``; probe every node's /healthz meanwhile
    (each answer recorded in ledger.outage_answers), then start it again."""
    while len(ledger.accepted) < packages // 2 and not ledger.sending_done:
        await asyncio.sleep(0.05)
    loop = asyncio.get_running_loop()
    # One thread runs both commands in order: a run aborted while PostgreSQL is still stopping
    # starts it only once the stop has finished, never before (and so never leaves it down).
    with ThreadPoolExecutor(max_workers=1) as pg_control:
        try:
            await loop.run_in_executor(pg_control, _pg_control, PG_STOP)
            await _probe_during_outage(hubs, seconds, ledger)
        finally:  # whatever happens to the run, the machine's PostgreSQL comes back
            await loop.run_in_executor(pg_control, _pg_control, PG_START)
    ledger.outages += 1


def _pg_control(command: str) -> None:
    subprocess.run(shlex.split(command), check=True)


async def _probe_during_outage(hubs: list[HubProcess], seconds: float, ledger: Ledger) -> None:
    loop = asyncio.get_running_loop()
    until = loop.time() + seconds
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        while loop.time() < until:
            for hub in hubs:
                try:
                    async with session.get(f"{hub.endpoint}/healthz") as answer:
                        retry = answer.headers.get("Retry-After", "")
                        ledger.outage_answers.append(f"{answer.status} Retry-After={retry or '-'}")
                except (aiohttp.ClientError, TimeoutError):
                    ledger.outage_answers.append("no answer (node restarting)")
            await asyncio.sleep(0.5)


def lost_packages(ledger: Ledger) -> int:
    return sum(
        1
        for document_id, recipients in ledger.recipients.items()
        if not set(recipients) <= ledger.delivered.get(document_id, set())
    )


def cluster(data_dir: Path, nodes: int, dsn: str) -> list[HubProcess]:
    """One hub (SQLite, dsn "") or ``nodes`` hubs on the PostgreSQL database ``dsn``. The first
    seeds the demo (systems, dev PKI); the others trust the same PKI and sign receipts with the
    same hub key. Each node has its own data_dir (its spool)."""
    store = f'[store]\nbackend = "postgres"\ndsn = "{dsn}"\npool_size = 8\n' if dsn else ""
    # Each simulated system stands for a busy integrator: the per-system fairness shares would
    # measure themselves, not durability (as in bench/run.py).
    first = HubProcess(data_dir / "node1", hub_settings=HUB_SETTINGS, extra_config=store)
    pki = first.data_dir / "demo" / "pki"
    others = [
        HubProcess(
            data_dir / f"node{n}",
            hub_settings=f'key_dir = "{pki / "hub"}"\n{HUB_SETTINGS}',
            extra_config=f'[signature]\ntrust_dir = "{pki / "trust"}"\n{store}',
            demo=False,
        )
        for n in range(2, nodes + 1)
    ]
    return [first, *others]


async def run(
    packages: int,
    kills: int,
    seed: int,
    data_dir: Path,
    nodes: int = 1,
    dsn: str = "",
    outage_s: float = 0.0,
) -> Ledger:
    hubs = cluster(data_dir, nodes, dsn)
    for hub in hubs:
        hub.start()
    systems: list[System] = hubs[0].systems()
    source, sinks = systems[0], [s for s in systems[1:] if s.agencies]
    targets = [a for s in sinks for a in s.agencies]
    ledger = Ledger()
    ups = [asyncio.Event() for _ in hubs]
    stop = asyncio.Event()
    for up in ups:
        up.set()
    timeout = aiohttp.ClientTimeout(total=30)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:

            def route(system: System) -> Route:
                return Route(
                    [
                        VxpClient(h.endpoint, system.system_id, system.secret, session=session)
                        for h in hubs
                    ],
                    ups,
                )

            send_route = route(source)
            receiving = [asyncio.create_task(receiver(route(s), ledger, stop)) for s in sinks]
            per_sender = max(1, packages // 8)
            senders = [
                sender(
                    send_route,
                    source.agencies[0],
                    targets,
                    range(i, min(packages, i + per_sender)),
                    ledger,
                )
                for i in range(0, packages, per_sender)
            ]
            killing = asyncio.create_task(killer(hubs, packages, kills, ledger, ups, seed))
            outage = (
                asyncio.create_task(postgres_outage(hubs, packages, outage_s, ledger))
                if outage_s
                else None
            )
            await asyncio.gather(*senders)
            ledger.sending_done = True
            await killing
            if outage is not None:
                await outage
            await _drain(ledger)
            stop.set()
            await asyncio.gather(*receiving)
            await _check_sent_list(send_route, ledger)
    except SystemExit as failure:
        _print_hub_log_lines(hubs, str(failure))
        raise
    finally:
        for hub in hubs:
            hub.stop()
    return ledger


def _print_hub_log_lines(hubs: list[HubProcess], failure: str) -> None:
    """The nodes' log lines for the request id a failed answer names (the hub's own story)."""
    for request_id in set(re.findall(r"Request id ([0-9a-f]+)", failure)):
        for hub in hubs:
            if hub.log_path is None or not hub.log_path.exists():
                continue
            lines = hub.log_path.read_text(errors="replace").splitlines()
            for number, line in enumerate(lines):
                if request_id in line:
                    print(f"{hub.log_path}:{number + 1}:", *lines[number : number + 40], sep="\n")


async def _drain(ledger: Ledger, stall_s: float = 60.0) -> None:
    """Wait while deliveries still arrive; give up only after ``stall_s`` without progress."""
    loop = asyncio.get_running_loop()
    last, since = lost_packages(ledger), loop.time()
    while (left := lost_packages(ledger)) and loop.time() - since < stall_s:
        if left < last:
            last, since = left, loop.time()
        await asyncio.sleep(0.2)


async def _check_sent_list(route: Route, ledger: Ledger) -> None:
    """The store's records must agree with the ledger: one sent row per accepted recipient."""
    stored: set[str] = set()
    page = 1000
    for offset in range(0, 10**9, page):
        params = {"limit": str(page), "offset": str(offset)}
        reply = await _with_retry(lambda c, p=params: _sent_page(c, p), route)
        rows = reply.get("data") or []
        stored |= {str(r["senderDocId"]) for r in rows}
        if len(rows) < page:
            break
    missing = set(ledger.accepted.values()) - stored
    extra = stored - set(ledger.accepted.values())
    if missing or extra:
        raise SystemExit(
            f"chaos: store disagrees with the load generator: {len(missing)} accepted packages "
            f"missing from getSentEdocList, {len(extra)} unknown to the senders"
        )


async def _sent_page(client: VxpClient, params: dict[str, str]) -> dict:
    return (await client.call("getSentEdocList", params))[1]


async def _sql(dsn: str, statement: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="SIGKILL hub nodes under load; count losses")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--nodes", type=int, default=1, help="hub processes (postgres only)")
    parser.add_argument(
        "--postgres-outage",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="stop the machine's PostgreSQL for SECONDS halfway through (postgres only)",
    )
    args = parser.parse_args()
    if args.postgres_outage and args.backend != "postgres":
        parser.error("--postgres-outage needs --backend postgres")
    if args.nodes > 1 and args.backend != "postgres":
        parser.error("--nodes > 1 needs --backend postgres")
    packages = int(os.environ.get("CHAOS_PACKAGES", "10000"))
    kills = int(os.environ.get("CHAOS_KILLS", "20"))
    seed = int(os.environ.get("CHAOS_SEED", "1"))
    base = os.environ.get("CHAOS_PG_DSN", "postgresql://root@127.0.0.1:5432/test")
    schema = f"chaos_{uuid.uuid4().hex[:8]}"
    dsn = f"{base}{'&' if '?' in base else '?'}search_path={schema}"
    if args.backend == "postgres":
        asyncio.run(_sql(base, f"CREATE SCHEMA {schema}"))
    try:
        with tempfile.TemporaryDirectory(prefix="axis-chaos-") as tmp:
            ledger = asyncio.run(
                run(
                    packages,
                    kills,
                    seed,
                    Path(tmp),
                    args.nodes,
                    dsn if args.backend == "postgres" else "",
                    args.postgres_outage,
                )
            )
    finally:
        if args.backend == "postgres":
            asyncio.run(_sql(base, f"DROP SCHEMA {schema} CASCADE"))
    lost = lost_packages(ledger)
    print(
        f"chaos ({args.backend}, {args.nodes} node(s)): {len(ledger.accepted)} packages, "
        f"{ledger.kills} kills, lost {lost}, duplicated {ledger.duplicates}"
    )
    unhealthy_wrong = False
    if ledger.outages:
        seen = sorted(set(ledger.outage_answers))
        print(f"postgres stopped {args.postgres_outage:g} s; /healthz meanwhile: {seen}")
        # Meanwhile a node answers 503 with Retry-After (or is restarting after a kill).
        unhealthy_wrong = any(not _outage_answer_ok(answer) for answer in seen)
    raise SystemExit(1 if lost or ledger.duplicates or unhealthy_wrong else 0)


def _outage_answer_ok(answer: str) -> bool:
    return (
        answer.startswith("no answer") or re.fullmatch(r"503 Retry-After=\d+", answer) is not None
    )


if __name__ == "__main__":
    main()
