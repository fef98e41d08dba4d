"""The durable store: Store protocol (base.py) and its backends, chosen by store.backend.

``open_store(cfg)`` is how the daemon and the CLI get one; the API and intake only ever see the
``Store`` protocol, never SQL.
"""

from __future__ import annotations

from pathlib import Path

from axis.config import Config
from axis.errors import ConfigError
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


__all__ = ["Store", "new_store", "open_store", "store_path"]
