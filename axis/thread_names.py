"""Kernel-visible names for the hub's own worker threads.

Python 3.11 names a thread only inside the interpreter: ``top -H``, ``ps -L`` and
/proc/<pid>/task/<tid>/comm show every thread of the hub as "python". An operator who sees a
busy hub, and the benchmark that splits the hub's CPU by role (bench/run.py), need to tell the
package checks from the event loop. Linux names the calling thread through
prctl(PR_SET_NAME), so a pool calls ``name_this_thread`` as its initializer, once per thread.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable

# The package-check pool's threads (axis/daemon.py): parse, schema, signature.
CHECK_THREAD = "axis-check"

_PR_SET_NAME = 15  # <linux/prctl.h>
_KERNEL_NAME_BYTES = 15  # TASK_COMM_LEN 16, with its terminating NUL


@functools.cache
def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
        return prctl
    except (OSError, AttributeError):  # a libc without prctl: names stay "python"
        return None


def name_this_thread(name: str) -> None:
    """Give the calling thread ``name`` (cut to 15 bytes) where the kernel shows it.

    A no-op where the platform has no such name; a name is a label, never worth failing for."""
    prctl = _prctl()
    if prctl is not None:
        prctl(_PR_SET_NAME, name.encode()[:_KERNEL_NAME_BYTES], 0, 0, 0)
