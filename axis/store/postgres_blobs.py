"""Reading a large stored document back from PostgreSQL in chunks (/getEdoc of a big package).

Part of the PostgreSQL store. Each chunk is one short query on a pooled connection, released
between chunks: a slow client draining a 50 MB answer pins no connection and no snapshot. The
rows never change once written (a document is immutable), so reading them one by one is
consistent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from axis.store.base import BLOB_CHUNK

# (sql, *params) -> the first column of the first row, through the store's error mapping.
FetchValue = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class PgBlob:
    """Document ``doc_id`` (``size`` bytes): in document_chunks, or inline in documents.data."""

    fetchval: FetchValue
    doc_id: str
    size: int
    in_chunks: bool

    async def chunks(self, chunk: int = BLOB_CHUNK) -> AsyncIterator[bytes]:
        if self.in_chunks:  # stored in BLOB_CHUNK pieces: multiples of 3 but the last
            seq = 0
            while (piece := await self.fetchval(_CHUNK_SQL, self.doc_id, seq)) is not None:
                yield bytes(piece)
                seq += 1
            return
        for offset in range(0, self.size, chunk):
            yield bytes(await self.fetchval(_SLICE_SQL, self.doc_id, offset + 1, chunk))


_CHUNK_SQL = "SELECT data FROM document_chunks WHERE doc_id = $1 AND seq = $2"
_SLICE_SQL = "SELECT substring(data FROM $2 FOR $3) FROM documents WHERE id = $1"
