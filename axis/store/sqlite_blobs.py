"""Reading a large stored document back in chunks (/getEdoc of a big package).

Part of the SQLite store. A document beyond the inline limit is read by incremental blob I/O
(sqlite3 Connection.blobopen) on its own read-only connection, one short read transaction per
chunk: a client draining the response slowly must not hold one snapshot for the whole stream,
because an open snapshot stops checkpoints from recycling the WAL, which then grows with every
write for as long as the slow reader reads (docs/security.md, Resource exhaustion). Each chunk's
transaction first checks that the row is still the same document (rowid and SHA-256 unchanged;
stored documents are never rewritten), so the chunks always form one consistent document.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass

from axis.store.base import BLOB_CHUNK


@dataclass(frozen=True)
class StoredBlob:
    """The stored bytes of document ``doc_id`` (``size`` bytes), read on demand in chunks
    (a base.BlobReader)."""

    path: str
    doc_id: str
    size: int

    async def chunks(self, chunk: int = BLOB_CHUNK) -> AsyncIterator[bytes]:
        reader = await asyncio.to_thread(_ChunkReader, self.path, self.doc_id)
        try:
            offset = 0
            while offset < self.size:
                piece = await asyncio.to_thread(reader.read, offset, chunk)
                if not piece:
                    break
                offset += len(piece)
                yield piece
        finally:
            await asyncio.to_thread(reader.close)


class _ChunkReader:
    """One read-only connection; each ``read`` is its own short transaction."""

    def __init__(self, path: str, doc_id: str) -> None:
        # Calls come from the default executor's threads one after another, never at once.
        self.conn = sqlite3.connect(
            f"file:{path}?mode=ro", uri=True, check_same_thread=False, isolation_level=None
        )
        self.doc_id = doc_id
        self.identity: tuple[int, str] | None = None  # (rowid, sha256) seen by the first read

    def read(self, offset: int, size: int) -> bytes:
        self.conn.execute("BEGIN")
        try:
            row = self.conn.execute(
                "SELECT rowid, sha256 FROM documents WHERE id = ?", (self.doc_id,)
            ).fetchone()
            if row is None or (self.identity is not None and tuple(row) != self.identity):
                raise sqlite3.OperationalError(f"document {self.doc_id} changed or is gone")
            self.identity = (row[0], row[1])
            with self.conn.blobopen("documents", "data", row[0], readonly=True) as blob:
                blob.seek(offset)
                return blob.read(size)
        finally:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()
