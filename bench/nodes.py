"""Issue 9's ratio in alternating rounds: ``python -m bench.nodes``.

`make bench` measures one SQLite node, one PostgreSQL node and two PostgreSQL nodes one after
the other, so on a shared box a neighbour's burst lands on one of them only. This starts the
three hubs of this tree at once (each PostgreSQL one on a fresh database, bench/pgdb.py; two
nodes = `axis serve --workers 2`) and runs the same phases as bench/ab.py on each, in a
rotating order, ``--rounds`` times per size: intake alone, then end to end (send, list, fetch,
ack). It prints every round, then the medians and each node's ratio to the SQLite node, with
the CPU per delivered package of the hub, of the PostgreSQL backends serving its database
(bench/pgdb.py BackendCpu; 0 for SQLite) and of the load generator (this process).
The idle hubs stay up while another is measured (their background tasks are included).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
from pathlib import Path

from bench import pgdb
from bench.ab import Side, one_round
from bench.run import HUB_SETTINGS
from tests.support.hubproc import HubProcess

NODES = (("sqlite", 1), ("postgres", 1), ("postgres", 2))


async def main(sizes: dict[float, int], rounds: int) -> dict[float, list[Side]]:
    results: dict[float, list[Side]] = {}
    with tempfile.TemporaryDirectory(prefix="axis-nodes-") as tmp:
        async with contextlib.AsyncExitStack() as databases:
            hubs = []
            names = []
            for backend, workers in NODES:
                store = ""
                names.append("")
                if backend == "postgres":
                    dsn = await databases.enter_async_context(pgdb.fresh_database())
                    store = f'[store]\nbackend = "postgres"\ndsn = "{dsn}"\n'
                    names[-1] = pgdb.database_of(dsn)
                hubs.append(
                    HubProcess(
                        Path(tmp) / f"{backend}{workers}",
                        extra_config=f'[intake]\npolicy = "strict"\n{store}',
                        hub_settings=HUB_SETTINGS,
                        log_level="info",
                        workers=workers,
                    )
                )
            for hub in hubs:
                hub.start()
            try:
                for size_kb, count in sizes.items():
                    sides = [
                        Side(f"{b}x{w}", hub, database=name)
                        for (b, w), hub, name in zip(NODES, hubs, names, strict=True)
                    ]
                    for n in range(rounds):
                        print(f"round {n + 1}/{rounds}: {size_kb:g} KB x{count}", flush=True)
                        for k in range(len(sides)):
                            await one_round(sides[(n + k) % len(sides)], size_kb, count)
                    results[size_kb] = sides
            finally:
                for hub in hubs:
                    hub.stop()
    return results


def report(results: dict[float, list[Side]], rounds: int) -> None:
    med = statistics.median
    for size_kb, sides in results.items():
        base = sides[0]
        print(f"medians over {rounds} rounds, {size_kb:g} KB (ratio to {base.name}):")
        for side in sides:
            print(
                f"  {side.name:11} intake {med(side.intake):6.0f}/s"
                f" ({med(side.intake) / med(base.intake):.2f}x)"
                f"  e2e {med(side.e2e):6.0f}/s ({med(side.e2e) / med(base.e2e):.2f}x)"
                f"  CPU ms per delivered: hub {med(side.e2e_cpu_ms):.2f},"
                f" PostgreSQL {med(side.pg_cpu_ms) if side.pg_cpu_ms else 0:.2f},"
                f" generator {med(side.gen_cpu_ms):.2f}"
            )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="SQLite x1 / PostgreSQL x1 / x2, alternating")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count-10", type=int, default=600, help="packages per 10 KB phase")
    parser.add_argument("--count-136", type=int, default=200, help="packages per 136 KB phase")
    args = parser.parse_args()
    found = asyncio.run(main({10.0: args.count_10, 136.0: args.count_136}, args.rounds))
    report(found, args.rounds)
