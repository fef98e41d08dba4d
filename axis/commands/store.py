"""``axis store migrate|copy``: the store's schema, and moving a hub from SQLite to PostgreSQL.

``migrate`` applies pending migrations (the hub also does at start; run it first when nodes
are rolled one by one). ``copy`` moves a SQLite hub's data into an empty PostgreSQL store
(docs/operations.md "Moving from SQLite").
"""

from __future__ import annotations

import argparse
import asyncio

from axis import config as config_mod
from axis.errors import ConfigError
from axis.store import open_store, store_path
from axis.store.migrate import migrations


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("store", help="migrate the store; copy SQLite to PostgreSQL")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    migrate = sub.add_parser("migrate", help="apply pending schema migrations")
    migrate.add_argument("--config", metavar="FILE", help="config.toml (default: all defaults)")
    migrate.set_defaults(func=run_migrate)
    copy = sub.add_parser(
        "copy",
        help="copy a SQLite hub's data into an empty PostgreSQL store",
        description="Copy every table of the SQLite store named by --from into the PostgreSQL "
        "store named by --to (migrated first; it must hold no documents). Stop the hub first.",
    )
    copy.add_argument("--from", dest="source", metavar="SQLITE_CONFIG", required=True)
    copy.add_argument("--to", dest="target", metavar="PG_CONFIG", required=True)
    copy.set_defaults(func=run_copy)


def run_migrate(args: argparse.Namespace) -> int:
    cfg = config_mod.load(args.config)

    async def migrate() -> None:
        store = await open_store(cfg)  # opening applies what is pending
        await store.close()

    asyncio.run(migrate())
    latest = migrations(cfg.store.backend)[-1]
    print(f"{cfg.store.backend} store at migration {latest.number:03d} ({latest.name})")
    return 0


def run_copy(args: argparse.Namespace) -> int:
    source, target = config_mod.load(args.source), config_mod.load(args.target)
    if source.store.backend != "sqlite" or target.store.backend != "postgres":
        raise ConfigError("--from must be a SQLite config and --to a PostgreSQL config")
    if not store_path(source).exists():
        raise ConfigError(f"no SQLite store at {store_path(source)}")
    from axis.store.copy import copy_sqlite_to_postgres
    from axis.store.postgres import PostgresStore

    async def copy() -> None:
        store = await open_store(target)
        assert isinstance(store, PostgresStore)
        try:
            await copy_sqlite_to_postgres(str(store_path(source)), store)
        finally:
            await store.close()

    try:
        asyncio.run(copy())
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    print("copied; point the hub at the PostgreSQL config and start it")
    return 0
