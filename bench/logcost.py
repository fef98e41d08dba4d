"""``python -m bench.run logcost``: what the delivery log costs a whole hub (issue 13: within 10 %).

The same `make bench` scenario (bench/run.py ``measure``: intake at full concurrency, send +
fetch + acknowledge end to end, latency at half rate) on a real hub over loopback, once with
the delivery log on and once with ``[eventlog] enabled = false``, in alternating rounds on
fresh hubs; each round also checks /metrics against the generator's counts (bench/scrape.py).
Printed: each round's rates and hub CPU per delivered package, the best of each side, and the
ratios on/off. docs/delivery-log.md "What the log costs" keeps the figures.

Options: ``--rounds N`` (2), ``--count N`` (packages per phase, 1000, times BENCH_SCALE),
``--size-kb K`` (10), ``--recipients N`` (1), ``--pg DSN`` (on PostgreSQL, a fresh database
per hub from bench/pgdb.py when DSN is "fresh").
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from bench import pgdb
from bench.run import CONSOLE, HUB_SETTINGS, Row, Scenario, choose_framing, measure
from tests.support.hubproc import HubProcess

OUT = Path(__file__).resolve().parent / "logcost.json"


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run logcost")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--size-kb", type=float, default=10.0)
    parser.add_argument("--recipients", type=int, default=1)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL, a fresh database per hub")
    return parser.parse_args(argv)


async def one_hub(
    data_dir: Path, scenario: Scenario, logged: bool, floors: dict[str, float], dsn: str = ""
) -> Row:
    store = f'[store]\nbackend = "postgres"\ndsn = "{dsn}"\n' if dsn else ""
    eventlog = f"[eventlog]\nenabled = {'true' if logged else 'false'}\n"
    hub = HubProcess(
        data_dir,
        extra_config=f'[intake]\npolicy = "strict"\n{store}{eventlog}{CONSOLE}',
        hub_settings=HUB_SETTINGS,
        log_level="info",
    )
    hub.start()
    try:
        trailer = await choose_framing(hub)
        return await measure(
            hub, scenario, trailer, "postgres" if dsn else "sqlite", floors, logged=logged
        )
    finally:
        hub.stop()


async def _round(
    tmp: Path, name: str, scenario: Scenario, logged: bool, floors: dict[str, float], pg: bool
) -> Row:
    if not pg:
        return await one_hub(tmp / name, scenario, logged, floors)
    async with pgdb.fresh_database() as dsn:
        return await one_hub(tmp / name, scenario, logged, floors, dsn)


def _ratio(on: float, off: float) -> float:
    return round(on / off, 3) if off else 0.0


def summary(rows: dict[str, list[Row]]) -> dict[str, object]:
    """Best of each side (rates: highest; CPU per package: lowest) and on/off ratios."""
    best = {
        side: {
            "intake_per_s": max(r.intake_per_s for r in found),
            "e2e_per_s": max(r.e2e_per_s for r in found),
            "e2e_hub_cpu_ms": min(r.e2e_hub_cpu_ms for r in found),
            "hub_cpu_s_per_1k": min(r.hub_cpu_s_per_1k for r in found),
        }
        for side, found in rows.items()
    }
    on, off = best["on"], best["off"]
    return {
        "best": best,
        "ratio_on_off": {key: _ratio(on[key], off[key]) for key in on},
        "metrics_checks": [r.metrics_check for found in rows.values() for r in found],
    }


async def main(argv: list[str]) -> dict[str, object]:
    args = _args(argv)
    scale = float(os.environ.get("BENCH_SCALE", "1.0"))
    scenario = Scenario(f"{args.size_kb:g}KB x{args.recipients}", args.size_kb,
                        args.recipients, int(args.count))  # fmt: skip
    if args.pg and (why := await pgdb.available()):
        raise SystemExit(f"no PostgreSQL for the bench: {why}")
    print(f"== the delivery log on vs off: {scenario.name}, {max(50, int(scenario.count * scale))}"
          f" packages per phase, {args.rounds} round(s), {'PostgreSQL' if args.pg else 'SQLite'},"
          f" load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    rows: dict[str, list[Row]] = {"on": [], "off": []}
    floors: dict[str, float] = {}
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="axis-logcost-") as tmp:
        for number in range(args.rounds):
            order = ("on", "off") if number % 2 == 0 else ("off", "on")
            for side in order:
                row = await _round(
                    Path(tmp), f"{side}{number}", scenario, side == "on", floors, args.pg
                )
                rows[side].append(row)
                print(f"   round {number + 1} log {side:3}: intake {row.intake_per_s:7.1f}/s, "
                      f"e2e {row.e2e_per_s:7.1f}/s, hub {row.e2e_hub_cpu_ms:6.2f} ms CPU per "
                      f"delivered package, p99 at half rate {row.half_rate_p99_ms:.0f} ms")  # fmt: skip
    result = summary(rows)
    ratios = result["ratio_on_off"]
    print(f"== on/off ({time.perf_counter() - began:.0f} s, load average "
          f"{os.getloadavg()[0]:.1f}): {json.dumps(ratios)}")  # fmt: skip
    result["rows"] = {side: [asdict(r) for r in found] for side, found in rows.items()}
    result["load_average_end"] = os.getloadavg()[0]
    OUT.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"wrote {OUT}")
    return result
