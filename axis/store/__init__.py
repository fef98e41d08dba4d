"""The durable store: Store protocol (base.py) and its backends, chosen by store.backend.

``open_store(cfg)`` is how the daemon and the CLI get one; the API and intake only ever see the
``Store`` protocol, never SQL.
"""

from __future__ import annotations

from pathlib import Path

from axis.config import Config
from axis.store.base import Store


def store_path(cfg: Config) -> Path:
    """store.path, relative paths under hub.data_dir."""
    path = Path(cfg.store.path)
    return path if path.is_absolute() else cfg.data_dir / path


async def open_store(cfg: Config) -> Store:
    """An opened store for cfg.store.backend (only "sqlite" today), migrations applied."""
    from axis.store.sqlite import SqliteStore

    store = SqliteStore(store_path(cfg))
    await store.open()
    return store


__all__ = ["Store", "open_store", "store_path"]
