"""SQLite's VM instruction count as a cost measure for one store read (tests/perf/): exact and
independent of the machine's load, unlike a timer."""

from __future__ import annotations

import sqlite3
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


def insert_documents(conn: sqlite3.Connection, sender: str, system_id: str, count: int,
                     id_prefix: str, at: str) -> list[str]:  # fmt: skip
    """``count`` tiny documents from ``sender`` written with plain SQL (a history or a backlog
    in a moment): ids ``<id_prefix>000000``..., SHA-256 stand-ins ``sha000000``..."""
    day = at[:10].replace("-", "/")
    ids = [f"{id_prefix}{n:06d}" for n in range(count)]
    conn.executemany(
        "INSERT INTO documents (id, from_agency, system_id, message_type, document_id,"
        " business_type, sha256, size, data, created_at)"
        " VALUES (?, ?, ?, 'edoc', ?, 0, ?, 1, x'00', ?)",
        [(doc, sender, system_id, f"{sender},{day},{n}", f"sha{n:06d}", at)
         for n, doc in enumerate(ids)],
    )  # fmt: skip
    return ids
