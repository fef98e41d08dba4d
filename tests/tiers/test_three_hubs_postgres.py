"""The three hubs each on PostgreSQL (its own fresh schema), the down hop pushed: one package
from a commune of Quảng Nam to a ministry, a commune of Nghệ An and a department of its own
province reaches each once (docs/tiers.md)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from axis.directory import network
from axis.store import open_store
from tests.hub.conftest import document, package_bytes
from tests.support.backends import PG_DSN, _run_sql
from tests.tiers.conftest import Network, eventually, running
from tests.tiers.test_three_hubs import (
    MINISTRY,
    OTHER_PROVINCE,
    OWN_DEPARTMENT,
    SENDER,
    _exactly,
    _inbox,
)


@pytest.fixture
def pg_dsns(pg_dsn: str) -> Iterator[list[str]]:
    """Three DSNs, each a fresh schema: pg_dsn's (with its skip and CI rules) and two more."""
    extra = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    for schema in extra:
        _run_sql(f"CREATE SCHEMA {schema}")
    try:
        yield [pg_dsn, *(f"{PG_DSN}{'&' if '?' in PG_DSN else '?'}search_path={s}" for s in extra)]
    finally:
        for schema in extra:
            _run_sql(
                "SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_class c ON "
                "c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace "
                f"WHERE n.nspname = '{schema}' AND l.pid <> pg_backend_pid(); "
                f"DROP SCHEMA {schema} CASCADE"
            )


async def _on_postgres(plan: network.HubPlan, pki_dir: Path, dsn: str) -> network.HubPlan:
    """The plan with its store on ``dsn``, seeded with what network.seed put in SQLite."""
    moved = replace(
        plan, config={**plan.config, "store": {"backend": "postgres", "dsn": dsn, "pool_size": 4}}
    )
    seeded = await open_store(network.hub_config(plan, pki_dir))
    target = await open_store(network.hub_config(moved, pki_dir))
    try:
        await target.import_agencies(await seeded.list_agencies())
        for system in await seeded.list_systems():
            secret = await seeded.get_secret(system.system_id) or ""
            await target.add_system(system.system_id, secret, system.name)
    finally:
        await seeded.close()
        await target.close()
    return moved


@pytest.fixture
async def pg_net(
    network_dir: tuple[Path, list[network.HubPlan]], pg_dsns: list[str]
) -> AsyncIterator[Network]:
    base, plans = network_dir
    pki_dir = base / "demo" / "pki"
    plans = [await _on_postgres(p, pki_dir, dsn) for p, dsn in zip(plans, pg_dsns, strict=True)]
    async with running(base, plans, down="push") as net:
        yield net


async def test_on_postgresql_one_package_reaches_three_tiers_once(pg_net: Network) -> None:
    net = pg_net
    original = document(SENDER, (MINISTRY, OTHER_PROVINCE, OWN_DEPARTMENT))
    await net.client(net.system_of(SENDER)).send_edoc(package_bytes(net.pki, original), SENDER)
    for agency in (MINISTRY, OTHER_PROVINCE, OWN_DEPARTMENT):
        [row] = await eventually(lambda a=agency: _exactly(net, a, 1), timeout_s=45)  # type: ignore[misc]
        await net.client(net.system_of(agency)).update_status(row["docId"], True)
    sent = await net.client(net.system_of(SENDER)).sent_list()
    assert sorted(r["toCode"] for r in sent) == sorted([MINISTRY, OTHER_PROVINCE, OWN_DEPARTMENT])
    for agency in (MINISTRY, OTHER_PROVINCE, OWN_DEPARTMENT):
        assert await _inbox(net, agency) == []  # one copy each, acknowledged
