"""Side-by-side A/B of two axis trees on one box: ``python -m bench.ab --base DIR``.

The "what moved" table of docs/performance.md needs before/after figures measured back to back
(the box is shared, so figures from different hours do not compare). This starts one hub from
this tree and one from ``--base`` (an exported older commit, put first on the child's
PYTHONPATH), both on SQLite with the bench's settings (signed, strict, logging at info), then
runs the same phases on them alternately, ``--rounds`` times: intake alone, then end to end
(send, list, fetch, ack). It prints each round and the medians.

    git archive <commit> | tar -x -C /tmp/axis-base && python -m bench.ab --base /tmp/axis-base

``--recipients N`` addresses every package to N agencies (registered on both sides first), as
the fan-out target does; the intake p50 is printed beside the rates.

``--postgres`` runs both sides on PostgreSQL instead, each on a fresh database (bench/pgdb.py),
with ``--workers N`` serving processes each. ``--base-config`` adds config lines to the base
side only: with ``--base .`` it compares two settings of one tree.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import pgdb
from bench.loadgen import percentile, receive_until, sdk_frame, send_all
from bench.run import HUB_SETTINGS, plan, register_commune_agencies, signed_packages
from tests.support.hubproc import HubProcess, Sampler, SelfCpu


@dataclass
class Side:
    name: str
    hub: HubProcess
    intake: list[float] = field(default_factory=list)
    e2e: list[float] = field(default_factory=list)
    intake_cpu_ms: list[float] = field(default_factory=list)
    intake_p50_ms: list[float] = field(default_factory=list)
    e2e_cpu_ms: list[float] = field(default_factory=list)
    database: str = ""  # the PostgreSQL database the hub uses ("" on SQLite)
    pg_cpu_ms: list[float] = field(default_factory=list)  # its backends, per delivered (e2e)
    gen_cpu_ms: list[float] = field(default_factory=list)  # the load generator, per delivered


async def one_round(side: Side, size_kb: float, count: int, fan_out: int = 1) -> None:
    hub = side.hub
    system, sender, receivers, recipients = plan(hub, fan_out)
    frames = [
        [sdk_frame(d) for d in signed_packages(hub, sender, recipients, size_kb, count)]
        for _ in range(2)
    ]
    jobs = [[(system, sender, f) for f in batch] for batch in frames]
    cpu = Sampler(hub.ps())
    sent = await send_all(hub.endpoint, jobs[0], concurrency=16)
    side.intake.append(sent.per_s)
    side.intake_cpu_ms.append(cpu.cpu_seconds() / max(1, sent.ok) * 1000)
    side.intake_p50_ms.append(percentile(sent.latencies_ms, 50))
    await receive_until(hub.endpoint, receivers, sent.ok * fan_out)
    cpu = Sampler(hub.ps())
    backends = pgdb.BackendCpu(side.database) if side.database else None
    if backends is not None:
        await backends.start()
    generator = SelfCpu()
    began = time.perf_counter()
    sent, received = await asyncio.gather(
        send_all(hub.endpoint, jobs[1], concurrency=16),
        receive_until(hub.endpoint, receivers, count * fan_out),
    )
    side.e2e.append(sent.ok / max(1e-9, received.finished - began))
    side.e2e_cpu_ms.append(cpu.cpu_seconds() / max(1, sent.ok) * 1000)
    side.gen_cpu_ms.append(generator.seconds() / max(1, sent.ok) * 1000)
    if backends is not None:
        side.pg_cpu_ms.append(await backends.seconds() / max(1, sent.ok) * 1000)
    if sent.failed:
        print(f"   {side.name}: {sent.failed} refused: {sent.errors}")
    print(
        f"   {side.name:5} intake {side.intake[-1]:6.0f}/s ({side.intake_cpu_ms[-1]:.2f} ms CPU,"
        f" p50 {side.intake_p50_ms[-1]:.0f} ms)"
        f"  e2e {side.e2e[-1]:6.0f}/s ({side.e2e_cpu_ms[-1]:.2f} ms CPU per delivered)"
        f"{pg_part(side.pg_cpu_ms)}  generator {side.gen_cpu_ms[-1]:.2f} ms"
    )


def pg_part(values: list[float]) -> str:
    """ ", PostgreSQL x ms" (median so far) when the side runs on PostgreSQL."""
    return f", PostgreSQL {statistics.median(values):.2f} ms" if values else ""


async def main(
    base: Path,
    size_kb: float,
    count: int,
    rounds: int,
    extra: str,
    postgres: bool,
    workers: int,
    base_extra: str = "",
    fan_out: int = 1,
) -> None:
    with tempfile.TemporaryDirectory(prefix="axis-ab-") as tmp:
        async with contextlib.AsyncExitStack() as databases:
            stores = [""] * 2
            names = [""] * 2
            if postgres:
                for n in range(2):
                    dsn = await databases.enter_async_context(pgdb.fresh_database())
                    stores[n] = f'[store]\nbackend = "postgres"\ndsn = "{dsn}"\n'
                    names[n] = pgdb.database_of(dsn)
            sides = [
                Side(
                    name,
                    HubProcess(
                        Path(tmp) / name,
                        extra_config=f'[intake]\npolicy = "strict"\n{store}{extra}'
                        + (base_extra if name == "base" else ""),
                        hub_settings=HUB_SETTINGS,
                        log_level="info",
                        env=env,
                        workers=workers,
                    ),
                    database=database,
                )
                for (name, env), store, database in zip(
                    (("base", {"PYTHONPATH": str(base)}), ("new", {})), stores, names, strict=True
                )
            ]
            await alternate(sides, size_kb, count, rounds, fan_out)
    report(sides, size_kb, count, rounds)


async def alternate(
    sides: list[Side], size_kb: float, count: int, rounds: int, fan_out: int = 1
) -> None:
    """Both hubs up, then the rounds, each side first every other round."""
    for side in sides:
        side.hub.start()
        if fan_out > 1:
            await register_commune_agencies(side.hub, fan_out)
    try:
        for n in range(rounds):
            print(f"round {n + 1}/{rounds}: {size_kb} KB x{count}, {fan_out} recipient(s) each")
            for side in sides if n % 2 == 0 else sides[::-1]:
                await one_round(side, size_kb, count, fan_out)
    finally:
        for side in sides:
            side.hub.stop()


def report(sides: list[Side], size_kb: float, count: int, rounds: int) -> None:
    med = statistics.median
    base_side, new_side = sides
    print(f"medians over {rounds} rounds ({size_kb} KB, {count} packages per phase):")
    for side in sides:
        print(
            f"  {side.name:5} intake {med(side.intake):6.0f}/s ({med(side.intake_cpu_ms):.2f} ms,"
            f" p50 {med(side.intake_p50_ms):.0f} ms)"
            f"  e2e {med(side.e2e):6.0f}/s ({med(side.e2e_cpu_ms):.2f} ms CPU per delivered)"
            f"{pg_part(side.pg_cpu_ms)}  generator {med(side.gen_cpu_ms):.2f} ms"
        )
    print(
        f"  new/base: intake {med(new_side.intake) / med(base_side.intake):.2f}x"
        f" (p50 {med(new_side.intake_p50_ms) / med(base_side.intake_p50_ms):.2f}x),"
        f" e2e {med(new_side.e2e) / med(base_side.e2e):.2f}x,"
        f" e2e CPU per delivered {med(new_side.e2e_cpu_ms) / med(base_side.e2e_cpu_ms):.2f}x"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="A/B two axis trees side by side")
    parser.add_argument("--base", type=Path, required=True, help="the older tree (its root)")
    parser.add_argument("--size-kb", type=float, default=10)
    parser.add_argument("--count", type=int, default=800)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--extra-config", default="", help="more config.toml lines for both")
    parser.add_argument("--postgres", action="store_true", help="each side on a fresh database")
    parser.add_argument("--workers", type=int, default=1, help="serving processes per side")
    parser.add_argument("--base-config", default="", help="config.toml lines for base only")
    parser.add_argument("--recipients", type=int, default=1, help="recipients per package")
    args = parser.parse_args()
    asyncio.run(
        main(
            args.base,
            args.size_kb,
            args.count,
            args.rounds,
            args.extra_config,
            args.postgres,
            args.workers,
            args.base_config,
            args.recipients,
        )
    )
