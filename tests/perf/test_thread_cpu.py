"""The benchmark's CPU split by thread role (tests/support/hubproc.ThreadCpu) puts each
thread's CPU under the right role: the main thread as ``loop``, a thread named by
axis/thread_names.py as ``checks``, any other as ``other``. Run on this very process."""

from __future__ import annotations

import sys
import threading
import time

import psutil
import pytest

from axis.thread_names import CHECK_THREAD, name_this_thread
from tests.support.hubproc import ThreadCpu

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc thread names")


def burn(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_each_threads_cpu_lands_under_its_role() -> None:
    ready, burnt, read = threading.Barrier(3), threading.Barrier(3), threading.Event()

    def worker(name: str | None, seconds: float) -> None:
        if name:
            name_this_thread(name)
        ready.wait(timeout=10)
        burn(seconds)
        burnt.wait(timeout=10)
        read.wait(timeout=10)  # alive until read: an ended thread's CPU leaves with it

    threads = [
        threading.Thread(target=worker, args=(CHECK_THREAD, 0.4)),
        threading.Thread(target=worker, args=(None, 0.2)),
    ]
    for thread in threads:
        thread.start()
    split = ThreadCpu(psutil.Process())  # roles are read when the split is taken
    ready.wait(timeout=10)
    burn(0.1)
    burnt.wait(timeout=10)
    spent = split.seconds()
    read.set()
    for thread in threads:
        thread.join()
    # CPU is counted in clock ticks: generous margins, the roles are what is under test.
    assert spent["checks"] >= 0.3
    assert 0.1 <= spent["other"] < 0.3
    assert 0.05 <= spent["loop"] < 0.3
