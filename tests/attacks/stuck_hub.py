"""Child process for test_shutdown.py: the real daemon (serving.run) whose intake worker pool
has one thread stuck, as in a C call that never returns. Prints ``READY <port>`` once listening.

Usage: python -m tests.attacks.stuck_hub CONFIG.toml
"""

from __future__ import annotations

import sys
import time

from axis import config, logs
from axis.api import serving
from axis.api.app import DAEMON


def main(config_path: str) -> None:
    cfg = config.load(config_path)
    logs.setup("json", "info")
    start = serving.start

    async def start_with_a_stuck_worker(
        cfg: config.Config, host: str, port: int
    ) -> serving.Running:
        running = await start(cfg, host, port)
        running.app[DAEMON].executor.submit(time.sleep, 3600)
        print(f"READY {running.port}", flush=True)
        return running

    serving.start = start_with_a_stuck_worker  # type: ignore[assignment]
    serving.run(cfg, "127.0.0.1", 0)


if __name__ == "__main__":
    main(sys.argv[1])
