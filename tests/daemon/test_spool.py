"""Each process spools large bodies into its own folder (axis/api/body.py prepare_spool), so a
worker that starts beside others under ``axis serve --workers N`` never removes a sibling's
upload in progress; what a dead process left behind is cleaned at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from axis.api.body import SPOOL_SUFFIX, prepare_spool


def _a_dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_starting_process_keeps_a_live_siblings_upload(tmp_path: Path) -> None:
    sibling = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        theirs = prepare_spool(tmp_path, pid=sibling.pid)
        upload = theirs / f"in-progress{SPOOL_SUFFIX}"
        upload.write_bytes(b"x" * 10)
        mine = prepare_spool(tmp_path)
        assert mine == tmp_path / str(os.getpid()) and mine.is_dir()
        assert upload.read_bytes() == b"x" * 10
    finally:
        sibling.kill()
        sibling.wait()


def test_leftovers_of_dead_processes_and_the_old_flat_layout_are_removed(tmp_path: Path) -> None:
    dead = prepare_spool(tmp_path, pid=_a_dead_pid())
    (dead / f"left{SPOOL_SUFFIX}").write_bytes(b"x")
    flat = tmp_path / f"old{SPOOL_SUFFIX}"
    flat.write_bytes(b"x")
    prepare_spool(tmp_path)
    assert not dead.exists() and not flat.exists()
