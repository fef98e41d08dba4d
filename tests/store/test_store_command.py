"""``axis store migrate`` and ``axis store copy`` as an operator runs them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from axis import config as config_mod
from axis.cli import main
from axis.store import open_store
from axis.store.base import AgencyRow
from axis.store.migrate import migrations
from tests.store.conftest import SYSTEM, new_document, save


def write_configs(tmp_path: Path, dsn: str) -> tuple[Path, Path]:
    sqlite_cfg, pg_cfg = tmp_path / "sqlite.toml", tmp_path / "pg.toml"
    sqlite_cfg.write_text(f'[hub]\ndata_dir = "{tmp_path}"\n')
    pg_cfg.write_text(f'[store]\nbackend = "postgres"\ndsn = "{dsn}"\n')
    return sqlite_cfg, pg_cfg


def test_migrate_then_copy_a_sqlite_hub_into_postgresql(
    tmp_path: Path, pg_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_cfg, pg_cfg = write_configs(tmp_path, pg_dsn)

    async def seed() -> str:
        store = await open_store(config_mod.load(sqlite_cfg))
        try:
            await store.import_agencies([AgencyRow("000.00.00.H47", system_id=SYSTEM)])
            await store.add_system(SYSTEM, "secret")
            return await save(store, new_document(b"<moved/>"))
        finally:
            await store.close()

    delivery = asyncio.run(seed())
    assert main(["store", "migrate", "--config", str(pg_cfg)]) == 0
    latest = migrations("postgres")[-1].number
    assert f"postgres store at migration {latest:03d}" in capsys.readouterr().out
    assert main(["store", "copy", "--from", str(sqlite_cfg), "--to", str(pg_cfg)]) == 0
    assert "documents: 1 rows" in capsys.readouterr().out

    async def check() -> bytes | None:
        store = await open_store(config_mod.load(pg_cfg))
        try:
            return await store.fetch(delivery, SYSTEM)
        finally:
            await store.close()

    assert asyncio.run(check()) == b"<moved/>"
    # A second copy would mix two hubs: refused, with a reason.
    assert main(["store", "copy", "--from", str(sqlite_cfg), "--to", str(pg_cfg)]) == 2
    assert "already holds documents" in capsys.readouterr().err
