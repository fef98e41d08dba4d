"""SIGTERM stops the hub in bounded time even with a worker thread stuck (docs/security.md,
Logs and shutdown): a real child process (tests/attacks/stuck_hub.py), real signals."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from axis.api.serving import EXIT_WORKERS_STUCK
from axis.pki import devpki

ROOT = Path(__file__).resolve().parents[2]


def _start(tmp_path: Path, pki: devpki.DevPki, grace_s: float) -> subprocess.Popen[bytes]:
    cfg = tmp_path / "hub.toml"
    cfg.write_text(
        f'[hub]\ndata_dir = "{tmp_path}"\nkey_dir = "{pki.directory / "hub"}"\n'
        f"shutdown_grace_s = {grace_s}\n"
        f'[signature]\ntrust_dir = "{pki.trust_dir}"\n[log]\nformat = "json"\n',
        encoding="utf-8",
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.attacks.stuck_hub", str(cfg)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert child.stdout is not None
    ready = child.stdout.readline()
    assert ready.startswith(b"READY "), (ready, child.stderr and child.stderr.read())
    return child


def _stopped(child: subprocess.Popen[bytes], within_s: float) -> list[dict]:
    try:
        _, err = child.communicate(timeout=within_s)
    except subprocess.TimeoutExpired:
        child.kill()
        pytest.fail(f"the hub did not stop within {within_s} s of SIGTERM")
    lines = [json.loads(line) for line in err.splitlines() if line.startswith(b"{")]
    assert child.returncode == EXIT_WORKERS_STUCK, (child.returncode, err[-2000:])
    return lines


def _the_exit_line(lines: list[dict]) -> dict:
    (line,) = [x for x in lines if x["event"].startswith("stopping: worker threads still busy")]
    assert line["level"] == "error" and any("axis-intake" in t for t in line["threads"])
    return line


def test_sigterm_stops_a_hub_with_a_stuck_worker_within_its_grace(tmp_path, pki) -> None:
    child = _start(tmp_path, pki, grace_s=1.0)
    started = time.monotonic()
    child.send_signal(signal.SIGTERM)
    line = _the_exit_line(_stopped(child, within_s=20))
    assert line["hurried"] is False
    assert time.monotonic() - started >= 1.0  # it did wait its grace for the thread


def test_a_second_signal_hurries_the_stop(tmp_path, pki) -> None:
    child = _start(tmp_path, pki, grace_s=120.0)
    child.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    child.send_signal(signal.SIGTERM)
    assert _the_exit_line(_stopped(child, within_s=20))["hurried"] is True
