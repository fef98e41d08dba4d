"""Where the hub's time goes under end-to-end load: py-spy on the hub, samples sorted into areas.

`python -m bench.profile` starts a hub (strict policy, signatures on), drives send -> list ->
fetch -> ack at 10 KB and at 136 KB with the load generator, while `py-spy record` samples the
hub (all its processes; only samples holding the GIL, since py-spy cannot tell an idle thread
from a busy one in this VM, and the GIL is what bounds one hub process). Each sample goes to the area of its innermost
frame that one of AREAS recognises (so time inside hmac called from auth counts as HMAC, time
in aiohttp's parser as request handling). Prints a table per size and writes the raw collapsed
stacks and the table to bench/out/profile-<size>.txt / bench/out/profile.json.

py-spy reads the Python stacks: what happens inside C (SQLite's commit and its fsync, libxmlsec)
is charged to the Python line that called it, which is where these areas look.

Options: ``--postgres`` profiles a hub on a fresh PostgreSQL database (bench/pgdb.py) and
``--workers N`` with N serving processes; ``--idle`` samples every thread whether it holds the
GIL or not (where requests wait, not only where the CPU goes; on this VM idle threads look
busy, so read it beside the default run); ``--sizes 10`` limits the sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import pgdb
from bench.loadgen import receive_until, sdk_frame, send_all
from bench.run import (
    HUB_SETTINGS,
    choose_framing,
    plan,
    register_commune_agencies,
    signed_packages,
)
from tests.support.hubproc import HubProcess, Sampler

OUT = Path(__file__).resolve().parent / "out"
SIZES = {10: 2000, 136: 600}
SCALE = float(os.environ.get("BENCH_SCALE", "1.0"))

# (area, pattern on "function (file:line)"), tried on each frame from the innermost outwards;
# the first frame any pattern matches decides. py-spy prints some of axis's files by their bare
# name ("auth.py"), hence the "\(name.py" alternatives.
AREAS: tuple[tuple[str, str], ...] = (
    ("structlog lines", r"structlog/|axis/logs\.py|\(logs\.py"),
    ("HMAC / auth / replay", r"hmac\.py|\((axis/api/)?auth\.py"),
    ("JSON framing", r"json/|\((axis/api/)?responses\.py"),
    ("base64 (getEdoc encoding, certificate checks)", r"base64\.py|binascii"),
    ("signature verify (xmlsec, chain)", r"axis/pki/|\((xmldsig|trust|placeholder)\.py"),
    ("schema + content rules", r"(axis/edxml/|\()(validate|rules|attachments)\.py"),
    ("load + parse (lxml, model)", r"axis/edxml/|\((load|parse|model|ids|dates|trace)\.py|lxml"),
    ("PostgreSQL statements (asyncpg, pool)", r"asyncpg/|\(postgres\w*\.py|axis/store/postgres"),
    ("SQLite group commit (fsync)", r"GroupCommit|\bcommit\b"),
    ("SQLite statements", r"Connection\._execute|axis/store/|\(sqlite\w*\.py|sqlite3"),
    (
        "aiosqlite / executor thread hand-offs",
        r"aiosqlite/|concurrent/futures|threading\.py|queue\.py",
    ),
    (
        "intake pipeline (routing, dedupe, business)",
        r"axis/intake/|\((pipeline|route|dedupe|business|persist|checks?|statuses|size)\.py",
    ),
    ("event loop (uvloop, asyncio)", r"asyncio/|uvloop|selectors\.py|\(serving\.py"),
    ("handlers and middleware (ops_*, body spool)", r"axis/api/|\((ops_\w+|body|app|hub)\.py"),
    ("aiohttp request handling (HTTP parse, streams, writer)", r"aiohttp/|multidict|yarl"),
)

# The venv's own py-spy first: `make bench` runs .venv/bin/python without the venv on PATH.
PY_SPY = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")


def area_of(stack: list[str]) -> str:
    for frame in reversed(stack):
        for area, pattern in AREAS:
            if re.search(pattern, frame):
                return area
    return "other"


def summarise(collapsed: str) -> dict[str, float]:
    """Share of samples per area, from py-spy's raw (collapsed) output."""
    counts: Counter[str] = Counter()
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        counts[area_of(frames)] += int(count)
    total = sum(counts.values()) or 1
    return {area: round(n / total, 3) for area, n in counts.most_common()}


async def profile_size(
    hub: HubProcess,
    size_kb: int,
    count: int,
    trailer: bytes,
    idle: bool = False,
    recipients_per_package: int = 1,
    intake_only: bool = False,
) -> dict[str, object]:
    system, sender, receivers, recipients = plan(hub, recipients_per_package)
    frames = [
        sdk_frame(d, trailer=trailer)
        for d in signed_packages(hub, sender, recipients, size_kb, count)
    ]
    suffix = f"x{recipients_per_package}" if recipients_per_package > 1 else ""
    raw = OUT / f"profile-{size_kb}KB{suffix}.txt"
    spy = subprocess.Popen(
        [
            *(
                PY_SPY or "py-spy",
                "record",
                "--idle" if idle else "--gil",
                "--format",
                "raw",
                "--rate",
                "250",
            ),
            *("--subprocesses", "--pid", str(hub.ps().pid), "--output", str(raw)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    await asyncio.sleep(1.0)  # py-spy attaches
    sampler = Sampler(hub.ps())
    began = time.perf_counter()
    jobs = [(system, sender, f) for f in frames]
    sending = send_all(hub.endpoint, jobs, concurrency=16)
    if intake_only:
        sent = await sending
        wall = time.perf_counter() - began
    else:
        sent, received = await asyncio.gather(
            sending, receive_until(hub.endpoint, receivers, count * recipients_per_package)
        )
        wall = received.finished - began
    cpu_ms = sampler.cpu_seconds() / max(1, sent.ok) * 1000
    spy.send_signal(2)  # SIGINT: py-spy writes its output and exits
    spy.wait(timeout=60)
    areas = summarise(raw.read_text(encoding="utf-8")) if raw.exists() else {}
    return {
        "size_kb": size_kb,
        "recipients": recipients_per_package,
        "packages": sent.ok,
        "measured": "intake" if intake_only else "end to end",
        "per_s": round(sent.ok / wall, 1),
        "hub_cpu_ms_per_package": round(cpu_ms, 2),
        "areas": areas,
    }


def print_profile(result: dict[str, object]) -> None:
    print(
        f"== {result['size_kb']} KB x{result['recipients']} {result['measured']}: {result['per_s']}/s, hub"
        f" {result['hub_cpu_ms_per_package']} ms CPU per package (under py-spy)"
    )
    areas = result["areas"]
    assert isinstance(areas, dict)
    for area, share in areas.items():
        print(f"   {share * 100:5.1f}%  {area}")


async def main(args: argparse.Namespace) -> None:
    if not PY_SPY:
        sys.exit("py-spy is not installed: pip install -e '.[bench]'")
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="axis-profile-") as tmp:
        async with contextlib.AsyncExitStack() as database:
            store = ""
            if args.postgres:
                dsn = await database.enter_async_context(pgdb.fresh_database())
                store = f'[store]\nbackend = "postgres"\ndsn = "{dsn}"\n'
            hub = HubProcess(
                Path(tmp) / "hub",
                extra_config=f'[intake]\npolicy = "strict"\n{store}',
                hub_settings=HUB_SETTINGS,
                log_level="info",
                workers=args.workers,
            )
            hub.start()
            try:
                trailer = await choose_framing(hub)
                if args.recipients > 1:
                    await register_commune_agencies(hub, args.recipients)
                for size_kb in args.sizes:
                    count = max(100, int(SIZES.get(size_kb, 600) * SCALE))
                    if args.recipients > 1:  # fewer packages: each is args.recipients deliveries
                        count = max(20, count * 10 // args.recipients)
                    result = await profile_size(
                        hub, size_kb, count, trailer, args.idle, args.recipients, args.intake_only
                    )
                    print_profile(result)
                    results.append(result)
            finally:
                hub.stop()
    (OUT / "profile.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="py-spy on a hub under end-to-end load")
    parser.add_argument("--postgres", action="store_true", help="on a fresh PostgreSQL database")
    parser.add_argument("--workers", type=int, default=1, help="serving processes")
    parser.add_argument("--idle", action="store_true", help="sample idle threads too")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="KB")
    parser.add_argument(
        "--recipients", type=int, default=1, help="recipients per package (fan-out)"
    )
    parser.add_argument(
        "--intake-only", action="store_true", help="send only; nobody lists or fetches"
    )
    asyncio.run(main(parser.parse_args()))
