"""The package-check pool's threads carry a kernel-visible name (axis/thread_names.py).

``top -H`` and the benchmark's CPU split by role (bench/run.py) read it from
/proc/<pid>/task/<tid>/comm; without it every thread of the hub reads "python".
"""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path

import pytest

from axis import config as config_mod
from axis.daemon import Daemon
from axis.thread_names import CHECK_THREAD, name_this_thread

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux thread names")


def kernel_name(native_id: int) -> str:
    return Path(f"/proc/self/task/{native_id}/comm").read_text().strip()


def test_a_named_thread_shows_its_name_cut_to_fifteen_bytes() -> None:
    seen: list[str] = []

    def body() -> None:
        name_this_thread("axis-a-name-longer-than-fifteen")
        seen.append(kernel_name(threading.get_native_id()))

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    assert seen == ["axis-a-name-lon"]
    assert kernel_name(threading.get_native_id()) != "axis-a-name-lon"  # only the caller


async def test_the_daemons_check_threads_are_named_axis_check(tmp_path: Path) -> None:
    cfg = config_mod.replace(config_mod.load(None), "hub", data_dir=str(tmp_path), workers=3)
    cfg = config_mod.replace(cfg, "signature", trust_dir=str(tmp_path / "no-anchors"))
    daemon = await Daemon.start(cfg)
    try:
        loop = asyncio.get_running_loop()
        barrier = threading.Barrier(3)  # three jobs at once: each on its own pool thread

        def job() -> int:
            barrier.wait(timeout=10)
            return threading.get_native_id()

        ids = await asyncio.gather(*(loop.run_in_executor(daemon.executor, job) for _ in range(3)))
        assert len(set(ids)) == 3
        assert {kernel_name(i) for i in ids} == {CHECK_THREAD}
    finally:
        await daemon.close()
