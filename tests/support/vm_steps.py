"""SQLite's VM instruction count as a cost measure for one store read (tests/perf/): exact and
independent of the machine's load, unlike a timer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from axis import config as config_mod
from axis.store import open_store, store_path


@asynccontextmanager
async def counted_store(
    data_dir: Path, seed: Callable[[Path], None]
) -> AsyncIterator[tuple[Any, Callable[[], int]]]:
    """A fresh SQLite store in ``data_dir``, ``seed(db_path)`` applied with plain SQL, and a
    counter of the VM steps its reader connection runs from here on."""
    cfg = config_mod.from_dict({"hub": {"data_dir": str(data_dir)}})
    store = await open_store(cfg)
    try:
        seed(store_path(cfg))
        steps = 0

        def count() -> int:
            nonlocal steps
            steps += 1
            return 0

        await store._reader.set_progress_handler(count, 1)
        yield store, lambda: steps
    finally:
        await store.close()
