"""Store backends for every suite (SQLite, PostgreSQL); tests/conftest.py makes them fixtures.

``store_backend`` runs a test once per backend. Each PostgreSQL test gets a fresh schema of the
server at AXIS_TEST_PG_DSN (default: the local PostgreSQL 15 with trust auth), dropped after.
Without a reachable server the PostgreSQL tests are left out, and the run ends with one line
saying how to run them; in CI (CI=true) they fail instead: CI must test both backends.
A test needs PostgreSQL when its store_backend is "postgres" or it uses ``pg_dsn`` (a module
that pins ``store_backend`` to "postgres" asks for ``pg_dsn`` in that fixture).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from functools import cache

import asyncpg
import pytest

from axis import config as config_mod
from axis.config import Config

PG_DSN = os.environ.get("AXIS_TEST_PG_DSN", "postgresql://root@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgres")


@cache
def _postgres_problem() -> str:
    """ "" when the test server answers, else why not (asked once per session)."""

    async def probe() -> None:
        conn = await asyncpg.connect(PG_DSN, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def _run_sql(sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(PG_DSN, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


def _skip_line() -> str:
    return (
        f"PostgreSQL tests left out: no server at {PG_DSN} ({_postgres_problem()}). Run them "
        "with a local PostgreSQL 15 (trust auth) or AXIS_TEST_PG_DSN=postgresql://USER@HOST/DB"
    )


def _needs_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("store_backend") == "postgres":
        return True
    return "pg_dsn" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CI") == "true" or not any(_needs_postgres(i) for i in items):
        return  # in CI, an unreachable server fails those tests (pg_dsn) instead
    if not _postgres_problem():
        return
    left_out = [item for item in items if _needs_postgres(item)]
    items[:] = [item for item in items if not _needs_postgres(item)]
    config.hook.pytest_deselected(items=left_out)
    config.stash[_LEFT_OUT] = len(left_out)


_LEFT_OUT = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if left_out := terminalreporter.config.stash.get(_LEFT_OUT, 0):
        terminalreporter.write_line(f"{_skip_line()} [{left_out} tests]", yellow=True)


@pytest.fixture
def pg_dsn() -> Iterator[str]:
    """A DSN whose search_path is a fresh, empty schema (dropped after the test)."""
    problem = _postgres_problem()
    if problem and os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but PostgreSQL at {PG_DSN} is unreachable ({problem})")
    if problem:  # only when run by node id past the collection filter above
        pytest.skip(_skip_line())
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _run_sql(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_DSN}{'&' if '?' in PG_DSN else '?'}search_path={schema}"
    finally:
        # A hub whose teardown comes later may hold a lock here in a transaction its stopped
        # event loop cannot finish (a background task's, e.g. the log chainer): end it first.
        _run_sql(
            "SELECT pg_terminate_backend(l.pid) FROM pg_locks l "
            "JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE n.nspname = '{schema}' AND l.pid <> pg_backend_pid(); "
            f"DROP SCHEMA {schema} CASCADE"
        )


@pytest.fixture(params=BACKENDS)
def store_backend(request: pytest.FixtureRequest) -> str:
    """ "sqlite" or "postgres": the test runs once on each."""
    return str(request.param)


def on_backend(cfg: Config, backend: str, request: pytest.FixtureRequest) -> Config:
    """cfg with its store on ``backend`` (PostgreSQL: this test's fresh schema)."""
    if backend == "sqlite":
        return cfg
    return config_mod.replace(
        cfg, "store", backend="postgres", dsn=request.getfixturevalue("pg_dsn"), pool_size=8
    )
