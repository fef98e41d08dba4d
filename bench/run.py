"""`make bench`: throughput, latency and memory of a real hub, against its in-process floor.

For each scenario (package size x recipients) it measures, in one run:
- intake: signed packages pushed through /sendEdoc at full concurrency (no receivers);
- end to end: send -> list -> fetch -> ack with receivers running alongside;
- latency at half the measured intake rate (paced senders);
- the floor: the same packages through parse + schema + verify + commit in this process;
- hub CPU seconds and peak RSS.
Then a 50 MB package (RSS growth vs size). The load generator's own CPU is measured next to
the hub's, and each end-to-end row says which side was saturated.

Nodes (issue 9): every scenario runs on one SQLite node; the single-recipient ones run again on
one PostgreSQL node and on two (`axis serve --workers 2`), each PostgreSQL hub on a fresh
database this run creates and drops (bench/pgdb.py). The "nodes" table gives each one's rates
as a ratio of the SQLite node's, side by side in this run.

The anchor: a private Postfix (bench/postfix.py) relays the same sizes before and after the
hub runs; the comparison table (axis / Postfix, and hub CPU per delivered package / the
library's per-package check cost of this same run) closes the output.

Results go to bench/results.json and bench/results.png. Environment knobs: BENCH_SCALE
(default 1.0) scales package counts; BENCH_QUEUE_DEPTH (default 50000, 0 = skip) sets the
queue-depth RSS check; BENCH_POSTFIX=0 skips the anchor; BENCH_TIERS=0 skips the
cross-province run through three hubs (bench/tiers.py); BENCH_PG=0 skips the PostgreSQL
nodes (BENCH_PG_DSN names the server, BENCH_PG_SHARE their share of the packages, 0.3);
BENCH_NODES_ONLY=1 runs the nodes comparison alone (single-recipient scenarios on the three
nodes: no Postfix, fan-out, large package, queue depth, tiers or push), for A/B work.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp

from bench import floor, pgdb, postfix, scrape, targets, tiers
from bench.compare import anchor_plans, comparison, print_comparison
from bench.loadgen import (
    SDK_TRAILER,
    ReceiveResult,
    SendResult,
    System,
    percentile,
    receive_until,
    sdk_frame,
    send_all,
)
from bench.stages import main as stage_costs_table
from tests.support.hubproc import HubProcess, Sampler, SelfCpu, ThreadCpu
from tests.support.packages import SIGNATURE_KB, make_package
from tests.support.vxp_client import VxpClient

OUT = Path(__file__).resolve().parent
SCALE = float(os.environ.get("BENCH_SCALE", "1.0"))
QUEUE_DEPTH = int(os.environ.get("BENCH_QUEUE_DEPTH", "50000"))
WITH_POSTFIX = os.environ.get("BENCH_POSTFIX", "1") != "0"
WITH_TIERS = os.environ.get("BENCH_TIERS", "1") != "0"  # bench/tiers.py: three hubs
WITH_PG = os.environ.get("BENCH_PG", "1") != "0"
# The PostgreSQL nodes send this share of each scenario's packages: at full counts they took
# 335 s (one node) and 210 s (two) at a load average of 8, doubling `make bench`.
PG_SHARE = float(os.environ.get("BENCH_PG_SHARE", "0.3"))
NODES_ONLY = os.environ.get("BENCH_NODES_ONLY", "0") == "1"
# A side using this share of its cores during the end-to-end phase is the bottleneck.
SATURATED = 0.85
# Each simulated system stands for a busy integrator: the per-system fairness limits (429
# 4.7.6 / 503 4.7.5, docs/security.md) would otherwise measure themselves, not the hub.
HUB_SETTINGS = "requests_per_s_per_system = 1000000.0\nmax_in_flight_per_system = 1024\n"
# The store totals /metrics serves are recounted this often (default 15 s): each scenario's
# check (bench/scrape.py) waits for a count made after its load.
CONSOLE = "[console]\ncounts_refresh_s = 1.0\n"


@dataclass(frozen=True)
class Scenario:
    name: str
    size_kb: float
    recipients: int
    count: int
    concurrency: int = 16


# Sized so that `make bench` stays near 10 minutes on a busy 2-core box (15.5 min with the
# earlier 3000/1000/1000/300 at a load average of 6); BENCH_SCALE scales them.
SCENARIOS = (
    Scenario("10KB x1", 10, 1, 2000),
    Scenario("136KB x1", 136, 1, 600),
    Scenario("10KB x10", 10, 10, 400),
    Scenario("10KB x100", 10, 100, 100),
)


@dataclass
class Row:
    scenario: str
    size_kb: float
    recipients: int
    packages: int
    intake_per_s: float = 0.0
    e2e_per_s: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    half_rate_p99_ms: float = 0.0
    floor_per_s: float = 0.0
    intake_vs_floor: float = 0.0
    hub_cpu_s_per_1k: float = 0.0
    hub_peak_rss_mb: float = 0.0
    workers: int = 1
    backend: str = "sqlite"
    # The end-to-end phase alone: CPU per delivered package and cores kept busy, per side.
    e2e_hub_cpu_ms: float = 0.0
    e2e_gen_cpu_ms: float = 0.0
    e2e_hub_cores: float = 0.0
    e2e_gen_cores: float = 0.0
    # The hub's e2e CPU per delivered package by thread role (tests/support/hubproc.ThreadCpu).
    e2e_hub_cpu_by_role: dict[str, float] = field(default_factory=dict)
    bottleneck: str = ""
    framing: str = "sdk"
    errors: dict[str, int] = field(default_factory=dict)
    # /metrics before and after the scenario against the generator's counts (bench/scrape.py)
    metrics_check: str = ""


def plan(hub: HubProcess, recipients: int) -> tuple[System, str, list[System], list[str]]:
    """A sending system and agency, and recipient agencies served by other systems."""
    systems = hub.systems()
    sender = systems[0]
    others = [s for s in systems[1:] if s.agencies]
    targets = [(s, a) for s in others for a in s.agencies]
    if len(targets) < recipients:
        raise SystemExit(f"directory has {len(targets)} agencies; need {recipients}")
    chosen = targets[:recipients]
    receiving = sorted({s for s, _ in chosen}, key=lambda s: s.system_id)
    return sender, sender.agencies[0], receiving, [a for _, a in chosen]


async def register_commune_agencies(hub: HubProcess, count: int) -> None:
    """Register ``count`` extra communes through /registerAgency, spread over the receiving
    systems, so fan-out scenarios have enough recipients (the demo directory has ~20)."""
    systems = [s for s in hub.systems()[1:] if s.agencies]
    async with aiohttp.ClientSession() as session:
        for n in range(count):
            system = systems[n % len(systems)]
            client = VxpClient(hub.endpoint, system.system_id, system.secret, session=session)
            province = system.agencies[0][-3:]
            agency = f"{n // 90 + 40:03d}.{n % 90 + 10:02d}.99.{province}"
            reply = await client.register_agency(
                {"id": agency, "code": agency, "name": f"UBND xã kiểm thử {n}"}
            )
            if reply.get("status") != "OK":
                raise SystemExit(f"registerAgency {agency}: {reply}")
            hub.extra_agencies.setdefault(system.system_id, []).append(agency)


def signed_packages(
    hub: HubProcess, sender: str, recipients: list[str], size_kb: float, count: int
) -> list[bytes]:
    from axis.pki.xmldsig import sign

    key, cert, chain = hub.agency_key(sender)
    return [
        sign(
            make_package(sender, recipients, size_kb=size_kb - SIGNATURE_KB, number=n),
            key,
            cert,
            chain_pem=chain,
        )
        for n in range(count)
    ]


async def choose_framing(hub: HubProcess) -> bytes:
    """The SDK's framing (file + CRLF) when the hub takes it; a hub that refuses it is measured
    with bare file bodies, and the run says so loudly rather than measuring nothing."""
    system, sender, receivers, recipients = plan(hub, 1)
    data = signed_packages(hub, sender, recipients, 10, 1)[0]
    for trailer in (SDK_TRAILER, b""):
        frame = sdk_frame(data, trailer=trailer)
        sent = await send_all(hub.endpoint, [(system, sender, frame)], concurrency=1)
        if sent.ok:
            await receive_until(hub.endpoint, receivers, 1)
            return trailer
        if trailer:
            print(
                "!! this hub refuses the SDK's sendEdoc framing (file + CRLF, hash-file over the"
                f" file): {sent.errors}; measuring with bare file bodies instead"
            )
    raise SystemExit(f"the hub refuses a plain signed package too: {sent.errors}")


def judge_bottleneck(hub_cores: float, gen_cores: float, workers: int) -> str:
    """Which side limited the end-to-end rate, from the cores each kept busy."""
    sides = []
    if gen_cores >= SATURATED:
        sides.append("load generator")
    if hub_cores >= SATURATED * workers:
        sides.append("hub")
    if sides:
        return " and ".join(sides)
    if hub_cores + gen_cores >= SATURATED * (os.cpu_count() or 1):
        return "machine (all cores busy)"
    return "neither saturated (machine shared with other work, or latency-bound)"


async def measure(
    hub: HubProcess,
    scenario: Scenario,
    trailer: bytes = SDK_TRAILER,
    backend: str = "sqlite",
    floors: dict[str, float] | None = None,
    logged: bool = True,
) -> Row:
    """One scenario on ``hub``. ``floors``: the in-process floor per scenario, measured once
    (on the first node) and reused: it does not depend on the hub."""
    count = max(50, int(scenario.count * SCALE))
    system, sender, receivers, recipients = plan(hub, scenario.recipients)
    row = Row(scenario.name, scenario.size_kb, scenario.recipients, count, workers=hub.workers)
    row.backend = backend
    row.framing = "sdk" if trailer else "bare (hub refused SDK framing)"
    batches = [
        [sdk_frame(data, trailer=trailer) for data in batch]
        for batch in (
            signed_packages(hub, sender, recipients, scenario.size_kb, count) for _ in range(3)
        )
    ]
    sampler = Sampler(hub.ps())
    sampling = asyncio.create_task(_sample(sampler))
    jobs = lambda batch: [(system, sender, frame) for frame in batch]  # noqa: E731

    scraped_before = await scrape.settled(hub.endpoint, time.time())
    intake = await send_all(hub.endpoint, jobs(batches[0]), concurrency=scenario.concurrency)
    row.intake_per_s = intake.per_s
    row.p50_ms, row.p95_ms, row.p99_ms = (percentile(intake.latencies_ms, q) for q in (50, 95, 99))
    row.errors = dict(intake.errors)
    drained = [await receive_until(hub.endpoint, receivers, intake.ok * scenario.recipients)]

    hub_cpu, gen_cpu, by_role = Sampler(hub.ps()), SelfCpu(), ThreadCpu(hub.ps())
    began = time.perf_counter()
    sending = send_all(hub.endpoint, jobs(batches[1]), concurrency=scenario.concurrency)
    receiving = receive_until(hub.endpoint, receivers, count * scenario.recipients)
    sent, received = await asyncio.gather(sending, receiving)
    wall = max(1e-9, received.finished - began)
    row.e2e_per_s = sent.ok / wall
    for code, n in sent.errors.items():  # a refusal in any phase shows in the row
        row.errors[code] = row.errors.get(code, 0) + n
    row.e2e_hub_cpu_ms = hub_cpu.cpu_seconds() / max(1, sent.ok) * 1000
    row.e2e_gen_cpu_ms = gen_cpu.seconds() / max(1, sent.ok) * 1000
    row.e2e_hub_cpu_by_role = {
        role: seconds / max(1, sent.ok) * 1000 for role, seconds in by_role.seconds().items()
    }
    row.e2e_hub_cores = row.e2e_hub_cpu_ms * row.e2e_per_s / 1000
    row.e2e_gen_cores = row.e2e_gen_cpu_ms * row.e2e_per_s / 1000
    row.bottleneck = judge_bottleneck(row.e2e_hub_cores, row.e2e_gen_cores, hub.workers)

    paced = await send_all(
        hub.endpoint,
        jobs(batches[2]),
        concurrency=scenario.concurrency,
        rate_per_s=max(1.0, intake.per_s / 2),
    )
    row.half_rate_p99_ms = percentile(paced.latencies_ms, 99)
    drained += [
        received,
        await receive_until(hub.endpoint, receivers, paced.ok * scenario.recipients),
    ]
    row.metrics_check = await check_metrics(
        hub, scraped_before, [intake, sent, paced], drained, scenario.recipients, logged
    )

    sampling.cancel()
    row.hub_cpu_s_per_1k = sampler.cpu_seconds() / (3 * count) * 1000
    row.hub_peak_rss_mb = sampler.peak_rss / 2**20
    if floors is not None and scenario.name in floors:
        row.floor_per_s = floors[scenario.name]
    else:
        trust = hub.data_dir / "demo" / "pki" / "trust"
        files = [f.body[: len(f.body) - len(trailer)] for f in batches[0][: min(500, count)]]
        row.floor_per_s = await floor.measure(trust, files, recipients)
        if floors is not None:
            floors[scenario.name] = row.floor_per_s
    row.intake_vs_floor = row.intake_per_s / row.floor_per_s if row.floor_per_s else 0.0
    return row


async def check_metrics(
    hub: HubProcess,
    before: scrape.Samples,
    sends: list[SendResult],
    drained: list[ReceiveResult],
    recipients: int,
    logged: bool = True,
) -> str:
    """ "ok" when /metrics moved by exactly what the generator counted, else what differs
    (``logged``: the hub writes the delivery log, which the latency histogram follows)."""
    refused: dict[str, int] = {}
    for result in sends:
        for code, n in result.errors.items():
            refused[code] = refused.get(code, 0) + n
    load = scrape.LoadCounts(
        accepted=sum(r.ok for r in sends), refused=refused,
        fetched=sum(r.fetched for r in drained), acknowledged=sum(r.acked for r in drained),
        recipients=recipients,
    )  # fmt: skip
    after = await scrape.settled(hub.endpoint, time.time())
    problems = scrape.compare(before, after, load, hub.workers == 1, logged)
    verdict = "ok" if not problems else "; ".join(problems)
    print(f"   /metrics vs the generator's counts: {verdict}")
    return verdict


async def _sample(sampler: Sampler) -> None:
    while True:
        sampler.sample()
        await asyncio.sleep(0.05)


async def big_package(hub: HubProcess, trailer: bytes, size_mb: int = 50) -> dict[str, Any]:
    """One large package: the hub's RSS growth compared with the package size."""
    system, sender, _, recipients = plan(hub, 1)
    data = signed_packages(hub, sender, recipients, size_mb * 1024, 1)[0]
    sampler = Sampler(hub.ps())
    sampler.sample()
    base = sampler.peak_rss
    sampling = asyncio.create_task(_sample(sampler))
    result = await send_all(
        hub.endpoint, [(system, sender, sdk_frame(data, trailer=trailer))], concurrency=1
    )
    await asyncio.sleep(0.2)
    sampling.cancel()
    growth = (sampler.peak_rss - base) / 2**20
    return {
        "scenario": f"{size_mb}MB x1",
        "size_mb": len(data) / 2**20,
        "accepted": result.ok == 1,
        "errors": result.errors,
        "latency_ms": result.latencies_ms[0] if result.latencies_ms else None,
        "hub_rss_growth_mb": growth,
        "growth_vs_size": growth / (len(data) / 2**20),
    }


async def queue_depth(data_dir: Path, depth: int, trailer: bytes) -> dict[str, Any]:
    """RSS must not grow with queue depth: queue ``depth`` small packages that nobody fetches
    and sample the hub's RSS after each tenth. Signatures are off on this hub (the property is
    about the queue, and signing 100k packages would dominate the run). The replay cache grows
    with the request rate times twice the timestamp window, whatever the queue holds, so this
    hub runs a 15 s window: the cache plateaus early and what remains is the queue's effect."""
    hub = HubProcess(
        data_dir,
        extra_config='[signature]\nmode = "off"\n[auth]\ntimestamp_window_s = 15\n',
        hub_settings=HUB_SETTINGS,
    )
    hub.start()
    try:
        system, sender, _, recipients = plan(hub, 1)
        step = max(1, depth // 10)
        points: list[tuple[int, float]] = []
        for start in range(0, depth, step):
            count = min(step, depth - start)
            jobs = [
                (
                    system,
                    sender,
                    sdk_frame(
                        make_package(sender, recipients, size_kb=2, number=n), trailer=trailer
                    ),
                )
                for n in range(start, start + count)
            ]
            result = await send_all(hub.endpoint, jobs, concurrency=32)
            if result.failed:
                raise SystemExit(f"queue depth: {result.failed} refused: {result.errors}")
            points.append((start + count, hub.ps().memory_info().rss / 2**20))
    finally:
        hub.stop()
    return {
        "scenario": f"queue depth {depth}",
        "note": "signatures off, timestamp window 15 s (replay cache plateaus)",
        "rss_mb_by_queued": {str(n): round(mb, 1) for n, mb in points},
        "rss_growth_mb_first_tenth_to_full": round(points[-1][1] - points[0][1], 1),
    }


def node_label(row: Row) -> str:
    return f"{row.backend}x{row.workers}"


def print_table(rows: list[Row]) -> None:
    head = f"{'scenario':12} {'node':>10} {'intake/s':>9} {'e2e/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'p99@½':>7} {'floor/s':>8} {'÷floor':>7} {'cpu/1k':>7} {'rssMB':>6}"
    print(head)
    for r in rows:
        print(
            f"{r.scenario:12} {node_label(r):>10} {r.intake_per_s:9.0f} {r.e2e_per_s:8.0f} {r.p50_ms:7.1f} "
            f"{r.p95_ms:7.1f} {r.p99_ms:7.1f} {r.half_rate_p99_ms:7.1f} {r.floor_per_s:8.0f} "
            f"{r.intake_vs_floor:7.2f} {r.hub_cpu_s_per_1k:7.2f} {r.hub_peak_rss_mb:6.0f}"
        )
    print("\nend to end, per delivered package (CPU ms) and cores kept busy:")
    for r in rows:
        print(
            f"{r.scenario:12} {node_label(r):>10}  hub {r.e2e_hub_cpu_ms:5.2f} ms ({r.e2e_hub_cores:.2f} cores;"
            f" {role_split(r.e2e_hub_cpu_by_role)})"
            f"  generator {r.e2e_gen_cpu_ms:5.2f} ms ({r.e2e_gen_cores:.2f} cores)"
            f"  bottleneck: {r.bottleneck}  framing: {r.framing}"
        )


def role_split(by_role: dict[str, float]) -> str:
    """ "loop 3.10, checks 3.40, other 1.30 ms": where the hub's CPU went, by thread role."""
    return ", ".join(f"{role} {ms:.2f}" for role, ms in by_role.items()) + " ms"


def run_postfix(label: str) -> list[postfix.PostfixRun] | str:
    if not WITH_POSTFIX:
        return "BENCH_POSTFIX=0"
    runs = postfix.measure(OUT / "out" / "postfix", anchor_plans(SCALE))
    if isinstance(runs, str):
        print(f"== postfix anchor skipped: {runs}")
    else:
        for r in runs:
            print(
                f"== postfix ({label}) {r.size_bytes // 1024} KB x{r.messages}: accept"
                f" {r.accept_per_s:.0f}/s, end to end {r.e2e_per_s:.0f}/s"
            )
    return runs


async def hub_rows(
    data_dir: Path,
    scenarios: tuple[Scenario, ...],
    floors: dict[str, float],
    *,
    workers: int = 1,
    dsn: str = "",
) -> list[Row]:
    """The scenarios on a fresh hub with ``workers`` serving processes: on SQLite, or on the
    PostgreSQL database ``dsn`` when given."""
    store = f'[store]\nbackend = "postgres"\ndsn = "{dsn}"\n' if dsn else ""
    hub = HubProcess(
        data_dir,
        extra_config=f'[intake]\npolicy = "strict"\n{store}{CONSOLE}',
        hub_settings=HUB_SETTINGS,
        workers=workers,
        log_level="info",
    )
    began = time.perf_counter()
    hub.start()
    backend = "postgres" if dsn else "sqlite"
    try:
        await register_commune_agencies(hub, 100)
        trailer = await choose_framing(hub)
        return [await measure(hub, s, trailer, backend, floors) for s in scenarios]
    finally:
        hub.stop()
        print(f"== {backend} x{workers}: {time.perf_counter() - began:.0f} s")


async def all_nodes(tmp: Path) -> list[Row]:
    """SQLite x1 (every scenario), then PostgreSQL x1 and x2 (single recipient), each on a
    fresh database."""
    floors: dict[str, float] = {}
    scenarios = tuple(s for s in SCENARIOS if s.recipients == 1) if NODES_ONLY else SCENARIOS
    rows = await hub_rows(tmp / "sqlite1", scenarios, floors)
    single = tuple(
        replace(s, count=int(s.count * PG_SHARE)) for s in SCENARIOS if s.recipients == 1
    )
    why_not = await pgdb.available() if WITH_PG else "BENCH_PG=0"
    if why_not:
        print(f"== PostgreSQL nodes skipped: {why_not}")
        return rows
    for workers in (1, 2):
        async with pgdb.fresh_database() as dsn:
            rows += await hub_rows(tmp / f"pg{workers}", single, floors, workers=workers, dsn=dsn)
    return rows


def node_ratios(rows: list[Row]) -> list[dict[str, Any]]:
    """Each node's intake and end-to-end rates as a ratio of the SQLite node's, per scenario."""
    base = {r.scenario: r for r in rows if r.backend == "sqlite" and r.workers == 1}
    out = []
    for r in rows:
        ref = base.get(r.scenario)
        if ref is None or r is ref:
            continue
        out.append(
            {
                "scenario": r.scenario,
                "node": node_label(r),
                "e2e_per_s": round(r.e2e_per_s, 1),
                "e2e_vs_sqlite": round(r.e2e_per_s / ref.e2e_per_s, 2) if ref.e2e_per_s else 0,
                "intake_per_s": round(r.intake_per_s, 1),
                "intake_vs_sqlite": (
                    round(r.intake_per_s / ref.intake_per_s, 2) if ref.intake_per_s else 0
                ),
                "hub_cpu_ms_per_delivered": round(r.e2e_hub_cpu_ms, 2),
                "sqlite_hub_cpu_ms_per_delivered": round(ref.e2e_hub_cpu_ms, 2),
                "hub_cores": round(r.e2e_hub_cores, 2),
                "bottleneck": r.bottleneck,
            }
        )
    return out


def print_nodes(ratios: list[dict[str, Any]]) -> None:
    print("\n== nodes, side by side in this run (ratio to the SQLite node)")
    for n in ratios:
        print(
            f"{n['scenario']:10} {n['node']:>11}: e2e {n['e2e_per_s']:6.0f}/s"
            f" ({n['e2e_vs_sqlite']:.2f}x), intake {n['intake_per_s']:6.0f}/s"
            f" ({n['intake_vs_sqlite']:.2f}x), hub {n['hub_cpu_ms_per_delivered']:.2f} ms"
            f" vs {n['sqlite_hub_cpu_ms_per_delivered']:.2f} ms, {n['hub_cores']:.2f} cores,"
            f" bottleneck: {n['bottleneck']}"
        )


async def nodes_only() -> None:
    """BENCH_NODES_ONLY=1: the three nodes side by side, nothing else (results not written)."""
    with tempfile.TemporaryDirectory(prefix="axis-bench-") as tmp:
        rows = await all_nodes(Path(tmp))
    print_table(rows)
    ratios = node_ratios(rows)
    print_nodes(ratios)
    print(json.dumps({"scenario": "nodes", "rows": ratios}))


async def main() -> None:
    if NODES_ONLY:
        return await nodes_only()
    print("== per-stage library costs (issue 2)")
    stages = stage_costs_table()
    before = run_postfix("before the hub")
    print("== the hub over loopback")
    with tempfile.TemporaryDirectory(prefix="axis-bench-") as tmp:
        rows = await all_nodes(Path(tmp))
        trailer = SDK_TRAILER if rows[0].framing == "sdk" else b""
        hub = HubProcess(
            Path(tmp) / "big",
            extra_config='[intake]\npolicy = "strict"\n',
            hub_settings=HUB_SETTINGS,
        )
        hub.start()
        try:
            extras = [await big_package(hub, trailer)]
        finally:
            hub.stop()
        if QUEUE_DEPTH:
            extras.append(await queue_depth(Path(tmp) / "queue", QUEUE_DEPTH, trailer))
    if WITH_TIERS:
        print("== three hubs: cross-province (bench/tiers.py)")
        extras.append({"scenario": "tiers", "rows": [asdict(r) for r in await tiers.run(SCALE)]})
    after = run_postfix("after the hub")
    print_table(rows)
    for extra in extras:
        print(json.dumps(extra))
    ratios = node_ratios(rows)
    print_nodes(ratios)
    versus = comparison(rows, stages, before, after)
    print_comparison(versus)
    verdicts = targets.judge(rows, extras, versus)
    targets.print_verdicts(verdicts)
    results = [asdict(r) for r in rows] + extras + [{"scenario": "stage costs", "rows": stages}]
    results.append({"scenario": "nodes", "rows": ratios})
    results.append({"scenario": "axis vs postfix", **versus})
    results.append(targets.as_result(verdicts))
    if os.environ.get("BENCH_PUSH", "1") != "0":  # push beside pull (bench/push.py)
        from bench import push

        results += await push.main()
    (OUT / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    from bench.chart import draw

    draw(rows, OUT / "results.png")
    print(f"wrote {OUT / 'results.json'} and {OUT / 'results.png'}")


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["logcost"]:  # the delivery log on vs off (bench/logcost.py)
        from bench import logcost

        asyncio.run(logcost.main(sys.argv[2:]))
    else:
        asyncio.run(main())
