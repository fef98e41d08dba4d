"""What a refusal costs the hub: 10,000 refused requests, with and without the refusal log line.

    .venv/bin/python -m bench.refusals [N]

Runs the real app in-process on loopback and sends N requests that are refused before any
package work (unknown operation, 5.1.6: the cheapest path, so the logging share is the largest),
first with JSON logs written to /dev/null at level info (one ``refused`` line each, rendered
and written), then at level error (the line is filtered out), each in its own interpreter. Prints requests/s for both and the per-refusal cost of
the line. A measurement, not a test: the figure goes in the report / docs/performance.md.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONCURRENCY = 16


async def _run(n: int) -> float:
    import aiohttp
    from aiohttp import web

    from axis import config as config_mod
    from axis.api.app import create_app, server_args

    with tempfile.TemporaryDirectory() as tmp:
        cfg = config_mod.replace(config_mod.Config(), "hub", data_dir=str(Path(tmp)))
        app = create_app(cfg)
        runner = web.AppRunner(app, **server_args(cfg))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        url = f"http://127.0.0.1:{port}/noSuchOperation"
        left = n
        async with aiohttp.ClientSession() as session:

            async def worker() -> None:
                nonlocal left
                while left > 0:
                    left -= 1
                    async with session.post(url, data=b"{}") as reply:
                        assert reply.status == 404
                        await reply.read()

            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
            elapsed = time.perf_counter() - start
        await runner.cleanup()
        return n / elapsed


def _child(n: int, level: str) -> float:
    """One run in a fresh interpreter: axis's loggers bind their configuration when first
    imported, so each logging setup needs its own process (as the daemon configures first)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.refusals", str(n), level],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    if len(sys.argv) > 2:  # the child: configure logs to /dev/null, then import the app
        from axis import logs

        logs.setup(fmt="json", level=sys.argv[2], stream=open("/dev/null", "w"))  # noqa: SIM115
        print(asyncio.run(_run(n)))
        return
    # Alternate three times and keep each setting's best: the machine is shared and noisy.
    runs = [(_child(n, "info"), _child(n, "error")) for _ in range(3)]
    with_log, without = max(r[0] for r in runs), max(r[1] for r in runs)
    per = (1 / with_log - 1 / without) * 1e6
    print(f"refusals: {n} requests, {with_log:,.0f}/s with the log line, "
          f"{without:,.0f}/s without ({per:+.0f} µs per refusal)")  # fmt: skip


if __name__ == "__main__":
    main()
