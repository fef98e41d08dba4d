"""One run of the DMS target: sandbox hub up, recorder in front, the DMS configured and polling,
then the cases, then everything stopped (docs/conformance.md "Running it against a DMS")."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from axis.conformance.dms_context import DmsContext, Options
from axis.conformance.dms_drivers import Driver
from axis.conformance.dms_recorder import Recorder
from axis.conformance.dms_sandbox import SandboxHub, seed, settings
from axis.conformance.evidence import Outcome
from axis.conformance.registry import Case
from axis.conformance.runner import Run, run_cases
from axis.conformance.target import Target


class DmsNotReady(Exception):
    """The DMS never reached the sandbox (not configured, not running)."""


@dataclass
class DmsRun:
    """What the command line decided."""

    describe: str  # the DMS, for the reports: its API URL or "manual"
    driver: Callable[[aiohttp.ClientSession], Driver]
    options: Options
    sandbox_dir: Path | None = None
    recorder_port: int = 0
    config_out: Path | None = None
    wait_dms_s: float = 300.0


async def run(
    spec: DmsRun,
    cases: list[Case],
    *,
    say: Callable[[str], None] = print,
    on_start: Callable[[Case], None] = lambda case: None,
    on_done: Callable[[Case, Outcome], None] = lambda case, outcome: None,
) -> Run:
    directory = spec.sandbox_dir or Path(tempfile.mkdtemp(prefix="axis-dms-sandbox-"))
    seeded = await seed(directory)
    hub = SandboxHub(seeded)
    await hub.start()
    recorder = Recorder(hub.endpoint)
    try:
        endpoint = await recorder.start(spec.recorder_port)
        dms = settings(seeded, endpoint, spec.options.poll_interval_s)
        say(dms.banner())
        if spec.config_out:
            _write_atomically(spec.config_out, dms.as_json())
            say(f"(the same as JSON in {spec.config_out})")
        async with aiohttp.ClientSession(trust_env=False) as session:
            driver = spec.driver(session)
            await driver.ready(spec.wait_dms_s)
            say(f"waiting up to {spec.wait_dms_s:g} s for the DMS's first request to {endpoint}")
            if not await recorder.changed_since(0, spec.wait_dms_s):
                raise DmsNotReady(f"no request from the DMS within {spec.wait_dms_s:g} s")
            ctx = DmsContext(
                dms, recorder, driver, hub.endpoint, seeded.secrets, seeded.pki.directory,
                session, spec.options, directory,
            )  # fmt: skip
            result = Run(Target(spec.describe, []), "exact", datetime.now(UTC), kind="dms")
            return await run_cases(ctx, cases, result, on_start=on_start, on_done=on_done)
    finally:
        await recorder.stop()
        await asyncio.to_thread(hub.stop)
        if spec.sandbox_dir is None:
            shutil.rmtree(directory, ignore_errors=True)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the secret
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
