"""Reading a large stored document back in chunks (/getEdoc of a big package).

Part of the SQLite store. A document beyond the inline limit is read by incremental blob I/O
(sqlite3 Connection.blobopen) on its own short-lived read-only connection: the open blob holds
one consistent snapshot for the whole stream (the row cannot change under it), and the shared
reader connection is not pinned to an old snapshot while a slow client drains the response.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass

BLOB_CHUNK = 3 * 256 * 1024  # a multiple of 3: each chunk base64-encodes without padding


@dataclass(frozen=True)
class StoredBlob:
    """The stored bytes of document ``doc_id`` (``size`` bytes), read on demand in chunks."""

    path: str
    doc_id: str
    size: int

    async def chunks(self, chunk: int = BLOB_CHUNK) -> AsyncIterator[bytes]:
        conn, blob = await asyncio.to_thread(_open, self.path, self.doc_id)
        try:
            while piece := await asyncio.to_thread(blob.read, chunk):
                yield piece
        finally:
            await asyncio.to_thread(_close, conn, blob)


def _open(path: str, doc_id: str) -> tuple[sqlite3.Connection, sqlite3.Blob]:
    # Calls come from the default executor's threads one after another, never at once.
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    try:
        row = conn.execute("SELECT rowid FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise sqlite3.OperationalError(f"document {doc_id} is gone")
        return conn, conn.blobopen("documents", "data", row[0], readonly=True)
    except BaseException:
        conn.close()
        raise


def _close(conn: sqlite3.Connection, blob: sqlite3.Blob) -> None:
    blob.close()
    conn.close()
