"""Fixtures for the store-fault tests: a real hub child process whose file writes can fail.

The hub runs as ``make run`` starts it (``axis serve --demo``, via tests/support/hubproc.py) in a tmp
data dir on a free loopback port. ``writes_fail`` makes the kernel refuse every file write of
that process, for real and even as root: it lowers the child's RLIMIT_FSIZE soft limit to 0
with prlimit(2), so each write(2) to a regular file fails with EFBIG (Python ignores SIGXFSZ),
exactly where a full disk or an exhausted quota would fail it, while reads keep working. chmod
cannot do this (tests run as root in CI, and root ignores file modes); a tmpfs or loop device
needs mount privileges CI does not grant. Lifting the limit restores writes with no restart.
"""

from __future__ import annotations

import resource
import subprocess
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import pytest

from tests.support.hubproc import HubProcess


class PipedHub(HubProcess):
    """bench's child hub, but logging to a pipe: the fault hits the store, not the log file.

    (With the log on the failing disk, see test_a_log_file_on_the_failing_disk_...)
    """

    lines: list[bytes]
    reader: threading.Thread

    def spawn(self, command: list[str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=self.data_dir
        )
        self.lines = []
        stream = process.stdout
        assert stream is not None
        self.reader = threading.Thread(target=lambda: self.lines.extend(stream), daemon=True)
        self.reader.start()
        return process

    def output(self) -> str:
        return repr(b"".join(self.lines)[-2000:])

    def stop(self) -> None:
        super().stop()
        self.reader.join(10)  # the child has exited: its pipe reaches EOF
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()


@contextmanager
def writes_fail(pid: int) -> Iterator[None]:
    """Every regular-file write of process ``pid`` fails (EFBIG) until the block exits."""
    soft, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (0, hard))
    try:
        yield
    finally:
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))


@pytest.fixture(scope="module")
def child_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    hub = PipedHub(Path(tmp_path_factory.mktemp("faults")) / "data")
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session
