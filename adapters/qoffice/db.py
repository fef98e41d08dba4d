"""The endpoint's own SQLite file: its two registers, timelines and the status outbox.

Nothing the hub handed over is acknowledged before it is committed here (synchronous=FULL),
and every status the clerk owes the hub is written to ``status_outbox`` in the same
transaction as the clerk's action, so a crash between the two loses neither.
Column names follow the native API's Vietnamese fields (docs/domain.md §8).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS van_ban_den (          -- the incoming register (số đến)
    id INTEGER PRIMARY KEY,
    don_vi_nhan TEXT NOT NULL,                    -- which of our agencies it was addressed to
    co_quan_gui TEXT NOT NULL,                    -- From/OrganId
    ten_co_quan_gui TEXT NOT NULL,
    document_id TEXT NOT NULL,
    so_ky_hieu TEXT NOT NULL,
    trich_yeu TEXT NOT NULL,
    do_khan INTEGER NOT NULL,
    ngay_ban_hanh TEXT NOT NULL,
    nguoi_ky TEXT NOT NULL,
    loai_nghiep_vu INTEGER NOT NULL,              -- BussinessDocType: 0 new, 1 revoke, 2 update, 3 replace
    van_ban_goc TEXT NOT NULL,                    -- for types 1-3: the DocumentId it changes
    ds_file_dinh_kem TEXT NOT NULL,               -- JSON [{ten_file, loai, kich_thuoc}]
    so_den INTEGER,                               -- given when the clerk receives it (03)
    trang_thai TEXT NOT NULL,                     -- the latest status code we reported (01..06)
    nguoi_xu_ly TEXT NOT NULL DEFAULT '',
    ly_do TEXT NOT NULL DEFAULT '',
    yeu_cau_thay_doi TEXT NOT NULL DEFAULT '',    -- '13' recall, '1' revoke, '2' update, '3' replace
    ly_do_thay_doi TEXT NOT NULL DEFAULT '',
    tra_loi_thay_doi TEXT NOT NULL DEFAULT '',    -- '15' or '16' once answered
    hub_doc_id TEXT NOT NULL,                     -- the hub's delivery id
    goi_tin BLOB NOT NULL,                        -- the package exactly as fetched
    nhan_luc TEXT NOT NULL,
    cap_nhat_luc TEXT NOT NULL,
    UNIQUE (co_quan_gui, document_id, don_vi_nhan, loai_nghiep_vu)
);
CREATE TABLE IF NOT EXISTS van_ban_di (           -- the outgoing register (số đi)
    id INTEGER PRIMARY KEY,
    don_vi_gui TEXT NOT NULL,
    so_di INTEGER,                                -- given at KY_SO_BAN_HANH
    ky_hieu_van_ban TEXT NOT NULL,                -- e.g. UBND-VP
    so_ky_hieu TEXT NOT NULL DEFAULT '',          -- so_di/ky_hieu_van_ban
    trich_yeu TEXT NOT NULL,
    noi_dung TEXT NOT NULL,
    loai_van_ban TEXT NOT NULL,
    do_khan INTEGER NOT NULL,
    nguoi_ky TEXT NOT NULL,
    chuc_vu_nguoi_ky TEXT NOT NULL,
    dia_diem_ban_hanh TEXT NOT NULL,
    ngay_ban_hanh TEXT NOT NULL DEFAULT '',
    trang_thai TEXT NOT NULL,                     -- DU_THAO, KY_SO_LANH_DAO, KY_SO_BAN_HANH, BAN_HANH
    document_id TEXT NOT NULL DEFAULT '',
    goi_tin BLOB,                                 -- the signed package, kept so a resend is identical
    hub_doc_id TEXT NOT NULL DEFAULT '',
    loi_gui TEXT NOT NULL DEFAULT '',
    tao_luc TEXT NOT NULL,
    cap_nhat_luc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS file_dinh_kem (
    id INTEGER PRIMARY KEY,
    van_ban_di_id INTEGER NOT NULL REFERENCES van_ban_di(id),
    ten_file TEXT NOT NULL,
    loai TEXT NOT NULL,
    noi_dung BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS noi_nhan (             -- recipients of an outgoing document
    van_ban_di_id INTEGER NOT NULL REFERENCES van_ban_di(id),
    don_vi_nhan TEXT NOT NULL,
    ten TEXT NOT NULL,
    la_lien_thong INTEGER NOT NULL,
    han_tra_loi TEXT NOT NULL,
    trong_tinh INTEGER NOT NULL,                  -- listed in ds_co_quan_trong_tinh
    PRIMARY KEY (van_ban_di_id, don_vi_nhan)
);
CREATE TABLE IF NOT EXISTS trang_thai_nhan (      -- statuses received from the hub
    hub_doc_id TEXT PRIMARY KEY,                  -- one row per status delivery: idempotent
    co_quan_gui_goc TEXT NOT NULL,                -- ResponseFor/OrganId
    document_id TEXT NOT NULL,                    -- ResponseFor/DocumentId
    don_vi_bao TEXT NOT NULL,                     -- From/OrganId: who reports
    ma TEXT NOT NULL,
    mo_ta TEXT NOT NULL,
    thoi_diem TEXT NOT NULL,                      -- the status's own Timestamp
    nhan_luc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS status_outbox (        -- statuses we owe the hub
    id INTEGER PRIMARY KEY,
    don_vi_gui TEXT NOT NULL,
    ma TEXT NOT NULL,
    goi_tin BLOB NOT NULL,                        -- signed once; a resend is the same bytes
    tao_luc TEXT NOT NULL,
    gui_luc TEXT NOT NULL DEFAULT '',
    hub_doc_id TEXT NOT NULL DEFAULT '',
    loi TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS trang_thai_gui (       -- the hub's delivery state per recipient of a
    hub_doc_id TEXT NOT NULL,                     -- document we sent (getSentEdocList; transport.py)
    don_vi_nhan TEXT NOT NULL,
    trang_thai TEXT NOT NULL,                     -- queued | fetched | done | fail | expired
    mo_ta TEXT NOT NULL,                          -- sendStatusDesc, e.g. 5.9.1 delivery.expired: ...
    cap_nhat_luc TEXT NOT NULL,
    PRIMARY KEY (hub_doc_id, don_vi_nhan)
);
CREATE TABLE IF NOT EXISTS clerk_plan (           -- the auto-clerk's next move per document
    van_ban_den_id INTEGER PRIMARY KEY REFERENCES van_ban_den(id),
    buoc INTEGER NOT NULL,
    den_han REAL NOT NULL
);
"""


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


class Database:
    """One aiosqlite connection; the endpoint's only writer."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        # One connection: a clerk's API action and the pull loop's store must not both BEGIN.
        self._writer = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
            await conn.execute(f"PRAGMA {pragma}")
        await conn.executescript(SCHEMA)
        return cls(conn)

    async def close(self) -> None:
        await self.conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._writer:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        async with self.conn.execute(sql, params) as cursor:
            return [dict(row) for row in await cursor.fetchall()]

    async def row(self, sql: str, params: tuple[Any, ...] = ()) -> dict[str, Any] | None:
        found = await self.rows(sql, params)
        return found[0] if found else None
