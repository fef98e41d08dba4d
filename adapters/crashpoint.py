"""Test-only crash points: SIGKILL this process at a named step (tests/adapters/).

An adapter calls ``reached(VAR, step)`` between two steps that must survive a crash; when the
environment variable VAR names that step the process kills itself with SIGKILL (no cleanup, no
flush), exactly like a power cut at that point. Unset in production, it costs one dict lookup.
"""

from __future__ import annotations

import os
import signal


def reached(variable: str, step: str) -> None:
    if os.environ.get(variable) == step:
        os.kill(os.getpid(), signal.SIGKILL)
