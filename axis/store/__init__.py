"""The durable store: Store protocol (base.py) and its backends, chosen by store.backend.

``open_store(cfg)`` is how the daemon and the CLI get one; the API and intake only ever see the
``Store`` protocol, never SQL.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from axis import logs
from axis.config import Config
from axis.errors import ConfigError, StoreUnavailable
from axis.eventlog.event import LogSettings
from axis.store.base import Store


def store_path(cfg: Config) -> Path:
    """store.path, relative paths under hub.data_dir."""
    path = Path(cfg.store.path)
    return path if path.is_absolute() else cfg.data_dir / path


def new_store(cfg: Config) -> Store:
    """The (unopened) store cfg.store.backend names, writing events as cfg.eventlog says."""
    store: Store
    if cfg.store.backend == "postgres":
        if not cfg.store.dsn:
            raise ConfigError('store.backend = "postgres" needs store.dsn')
        from axis.store.postgres import PostgresStore

        store = PostgresStore(cfg.store.dsn, cfg.store.pool_size)
    else:
        from axis.store.sqlite import SqliteStore

        store = SqliteStore(store_path(cfg))
    store.eventlog = LogSettings(cfg.hop_name, cfg.eventlog.enabled)
    return store


async def open_store(cfg: Config) -> Store:
    """An opened store for cfg.store.backend, migrations applied."""
    store = new_store(cfg)
    await store.open()
    return store


async def open_store_waiting(cfg: Config) -> Store:
    """``open_store``, waiting up to store.start_wait_s for a database that is down at start.

    A node started (or restarted by its supervisor) while PostgreSQL restarts or fails over
    comes up when the database does, instead of exiting into a restart loop
    (docs/operations.md, "What happens when a part fails"). Each failed try is logged with what
    to check; after the wait the last StoreUnavailable is raised (exit status 2).
    """
    deadline = time.monotonic() + cfg.store.start_wait_s
    pause = 0.25
    while True:
        try:
            return await open_store(cfg)
        except StoreUnavailable as unavailable:
            left = deadline - time.monotonic()
            if left <= 0:
                raise
            logs.get("axis.store").warning(
                "store unavailable at start; retrying",
                reason=str(unavailable),
                retry_in_s=round(min(pause, left), 2),
                gives_up_in_s=round(left, 1),
                hint="check that the database is up and store.dsn reaches it",
            )
            await asyncio.sleep(min(pause, left))
            pause = min(pause * 2, 5.0)


__all__ = ["Store", "new_store", "open_store", "open_store_waiting", "store_path"]
