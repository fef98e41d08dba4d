"""The kit's DMS target against the reference DMS (the Q-Office-style endpoint, a real
``axis-qoffice`` child process) and its deliberately broken variants: the reference conforms,
and each defect fails exactly its cases and no others. The sandbox hub is a real ``axis serve``
child process; nothing is mocked.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from axis.conformance import dms_run, registry
from axis.conformance.dms_context import Options
from axis.conformance.dms_drivers import QOfficeDriver
from axis.conformance.dms_sandbox import free_port
from axis.conformance.runner import Run
from tests.conformance.conftest import ROOT

TOKEN = "kit-test-token"
POLL_S = 0.5
OPTIONS = Options(step_timeout_s=15, poll_interval_s=POLL_S, max_list_rate=8)


def qoffice_config(settings: dict[str, Any], port: int, data_dir: Path) -> str:
    lines = [
        "[endpoint]",
        f'listen = "127.0.0.1:{port}"',
        f'data_dir = "{data_dir}"',
        f'token = "{TOKEN}"',
        "[hub]",
        f'endpoint = "{settings["endpoint"]}"',
        f'system_id = "{settings["system_id"]}"',
        f'secret = "{settings["secret"]}"',
        f"poll_interval_s = {settings['poll_interval_s']}",
    ]
    for agency, keys in settings["agencies"].items():
        lines += ["[[agencies]]", f'id = "{agency}"', f'name = "{keys["name"]}"']
        lines += [f'{part} = "{keys[part]}"' for part in ("key", "cert", "chain")]
    return "\n".join(lines) + "\n"


@asynccontextmanager
async def qoffice(config_out: Path, port: int, folder: Path, defects: str) -> AsyncIterator[None]:
    """Once the kit wrote its settings: the reference DMS configured from them, running."""
    while not config_out.exists():
        await asyncio.sleep(0.05)
    settings = json.loads(config_out.read_text("utf-8"))
    config = folder / "qoffice.toml"
    config.write_text(qoffice_config(settings, port, folder / "data"), encoding="utf-8")
    log = (folder / "qoffice.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.qoffice.cli", "serve", "--config", str(config)],
        stdout=log, stderr=log, cwd=ROOT,
        env={**os.environ, "AXIS_QOFFICE_DEFECTS": defects},
    )  # fmt: skip
    try:
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


async def run_against_qoffice(tmp_path: Path, defects: str = "") -> Run:
    port = free_port()
    config_out = tmp_path / "dms.json"
    spec = dms_run.DmsRun(
        describe=f"http://127.0.0.1:{port}",
        driver=lambda session: QOfficeDriver(f"http://127.0.0.1:{port}", TOKEN, session),
        options=OPTIONS,
        sandbox_dir=tmp_path / "sandbox",
        config_out=config_out,
        wait_dms_s=60,
    )
    kit = asyncio.create_task(dms_run.run(spec, registry.cases("dms"), say=lambda text: None))
    async with qoffice(config_out, port, tmp_path, defects):
        return await kit


def failed(run: Run) -> dict[str, str]:
    return {
        case.id: f"{outcome.verdict}: {outcome.message}"
        for case, outcome in run.results
        if outcome.verdict not in ("pass", "warn")
    }


async def test_the_reference_dms_conforms_through_the_command(tmp_path: Path) -> None:
    """``axis conformance dms`` as an integrator runs it: settings out, the DMS configured from
    them, driven through its API; every case passes, exit 0, the JUnit report says so."""
    port, config_out, junit = free_port(), tmp_path / "dms.json", tmp_path / "dms.xml"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "axis", "conformance", "dms",
        "--target", f"http://127.0.0.1:{port}", "--token", TOKEN,
        "--config-out", str(config_out), "--sandbox-dir", str(tmp_path / "sandbox"),
        "--poll-interval", str(POLL_S), "--max-list-rate", "8", "--step-timeout", "15",
        "--wait-dms", "60", "--junit", str(junit),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    async with qoffice(config_out, port, tmp_path, ""):
        out, _ = await asyncio.wait_for(process.communicate(), 300)
    text = out.decode("utf-8", "replace")
    assert process.returncode == 0, text + (tmp_path / "qoffice.log").read_text()
    assert "CONFORMS" in text and "Configure the DMS under test with" in text
    suites = ET.parse(junit).getroot()
    assert int(suites.get("tests", "0")) == len(registry.cases("dms"))
    for suite in suites:
        assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("0",) * 3


@pytest.mark.parametrize(
    ("defect", "cases"),
    [
        ("wrong_signer", {"DMS-SIG-001"}),
        ("no_ack", {"DMS-RECV-001", "DMS-RECV-003"}),
        ("status_out_of_order", {"DMS-STATUS-003"}),
        ("no_crlf", {"DMS-WIRE-001"}),
        ("poll_too_fast", {"DMS-POLL-001"}),
    ],
)
async def test_each_defect_fails_exactly_its_cases(
    tmp_path: Path, defect: str, cases: set[str]
) -> None:
    run = await run_against_qoffice(tmp_path, defect)
    got = failed(run)
    assert set(got) == cases, got
    for case, outcome in run.results:
        if case.id in cases:
            assert outcome.verdict == "fail" and outcome.expected and outcome.seen, outcome
    assert run.exit_code == 1
