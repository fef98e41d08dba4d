"""``axis store copy``: move a SQLite hub's data into a PostgreSQL store (docs/operations.md).

Part of axis/store (it speaks SQL to both). Every table the two schemas share is copied, with
the columns they share, so tables added by later migrations come along without changes here.
Documents are copied one at a time, large ones chunk by chunk (incremental blob I/O into
document_chunks): a store of any size moves in bounded memory. The target must hold no
documents yet (a copy is a move, not a merge); it runs in one transaction, so a failed copy
leaves the target as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

from axis.store.base import BLOB_CHUNK
from axis.store.postgres import PostgresStore

BATCH = 1000
# Copied first, in this order (foreign keys); then every other shared table.
ORDER = ("systems", "agencies", "documents", "deliveries", "statuses", "events")
SKIP = {"schema_migrations", "sqlite_sequence", "document_chunks", "replay_keys", "leases"}


async def copy_sqlite_to_postgres(
    sqlite_path: str, target: PostgresStore, say: Callable[[str], None] = print
) -> dict[str, int]:
    """Rows copied per table. ``target`` is open (its migrations applied)."""
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    try:
        async with target.transaction() as conn:
            if await conn.fetchval("SELECT count(*) FROM documents"):
                raise ValueError("the target store already holds documents; copy into an empty one")
            counts: dict[str, int] = {}
            for table in _shared_tables(source, await _target_tables(conn)):
                columns = _shared_columns(source, table, await _target_columns(conn, table))
                if table == "documents":
                    counts[table] = await _copy_documents(source, conn, columns)
                else:
                    counts[table] = await _copy_rows(source, conn, table, columns)
                await _advance_sequences(conn, table, columns)
                say(f"{table}: {counts[table]} rows")
            return counts
    finally:
        source.close()


def _shared_tables(source: sqlite3.Connection, target: set[str]) -> list[str]:
    names = {
        row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    shared = (names & target) - SKIP
    return [t for t in ORDER if t in shared] + sorted(shared - set(ORDER))


async def _target_tables(conn: Any) -> set[str]:
    rows = await conn.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    return {row[0] for row in rows}


async def _target_columns(conn: Any, table: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = $1 ORDER BY ordinal_position",
        table,
    )
    return [row[0] for row in rows]


def _shared_columns(source: sqlite3.Connection, table: str, target: list[str]) -> list[str]:
    mine = {row[1] for row in source.execute(f'PRAGMA table_info("{table}")')}
    return [column for column in target if column in mine]


def _batches(cursor: sqlite3.Cursor) -> Iterator[list[tuple[Any, ...]]]:
    while rows := cursor.fetchmany(BATCH):
        yield rows


async def _copy_rows(source: sqlite3.Connection, conn: Any, table: str, columns: list[str]) -> int:
    quoted = ", ".join(f'"{c}"' for c in columns)
    count = 0
    for rows in _batches(source.execute(f'SELECT {quoted} FROM "{table}" ORDER BY rowid')):
        await conn.copy_records_to_table(table, records=rows, columns=columns)
        count += len(rows)
    return count


async def _copy_documents(source: sqlite3.Connection, conn: Any, columns: list[str]) -> int:
    """Metadata in batches; the bytes inline up to BLOB_CHUNK, else in chunk rows."""
    meta = [c for c in columns if c != "data"]
    quoted = ", ".join(f'"{c}"' for c in meta)
    marks = ", ".join(f"${n}" for n in range(1, len(meta) + 2))
    insert = f'INSERT INTO documents ({quoted}, "data") VALUES ({marks})'
    size_at = meta.index("size")
    count = 0
    cursor = source.execute(f"SELECT rowid, {quoted} FROM documents ORDER BY rowid")
    for rows in _batches(cursor):
        for rowid, *values in rows:
            size = values[size_at]
            with source.blobopen("documents", "data", rowid, readonly=True) as blob:
                inline = blob.read() if size <= BLOB_CHUNK else None
                await conn.execute(insert, *values, inline)
                seq = 0
                while inline is None and (piece := blob.read(BLOB_CHUNK)):
                    await conn.execute(
                        "INSERT INTO document_chunks (doc_id, seq, data) VALUES ($1, $2, $3)",
                        values[meta.index("id")], seq, piece,
                    )  # fmt: skip
                    seq += 1
            count += 1
    return count


async def _advance_sequences(conn: Any, table: str, columns: list[str]) -> None:
    """Serial columns (events.seq) continue after the copied values."""
    for column in columns:
        sequence = await conn.fetchval("SELECT pg_get_serial_sequence($1, $2)", table, column)
        if sequence:
            await conn.execute(
                f'SELECT setval($1, COALESCE((SELECT max("{column}") FROM "{table}"), 0) + 1, '
                "false)",
                sequence,
            )
