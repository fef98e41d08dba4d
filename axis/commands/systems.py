"""``axis systems add|list|rotate-secret``: the connected systems (connection centres).

A system authenticates with its id and secret (HMAC, docs/domain.md §6). ``add`` and
``rotate-secret`` print the new secret once; ``list`` never prints secrets.
"""

from __future__ import annotations

import argparse
import asyncio

from axis import config as config_mod
from axis.directory.credentials import new_system_secret
from axis.store import open_store
from axis.store.base import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("systems", help="manage connected systems and their secrets")
    parser.add_argument("--config", metavar="FILE", help="config.toml (default: all defaults)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="register a system; prints its secret once")
    add.add_argument("system_id", metavar="ID", help="e.g. 00.47.W00")
    add.add_argument("--name", default="", help="a readable name")
    add.add_argument(
        "--agency", action="append", default=[], metavar="A", help="an agency it serves (repeat)"
    )
    add.set_defaults(func=run)
    sub.add_parser("list", help="list systems (never their secrets)").set_defaults(func=run)
    rotate = sub.add_parser("rotate-secret", help="replace a system's secret; prints it once")
    rotate.add_argument("system_id", metavar="ID")
    rotate.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    store = await open_store(config_mod.load(args.config))
    try:
        if args.action == "add":
            return await _add(store, args)
        if args.action == "rotate-secret":
            secret = new_system_secret()
            if not await store.set_secret(args.system_id, secret):
                print(f"axis: no system {args.system_id}")
                return 1
            print(f"{args.system_id} new secret (shown once): {secret}")
            return 0
        for row in await store.list_systems():
            print(f"{row.system_id:16} {row.agencies:6d} agencies  {row.name}")
        return 0
    finally:
        await store.close()


async def _add(store: Store, args: argparse.Namespace) -> int:
    found = await store.get_agencies(args.agency)
    missing = [a for a in args.agency if a not in found]
    if missing:
        print(f"axis: unknown agencies (import them first): {', '.join(missing)}")
        return 1
    secret = new_system_secret()
    if not await store.add_system(args.system_id, secret, args.name):
        print(f"axis: system {args.system_id} exists; use rotate-secret")
        return 1
    await store.assign_agencies(args.system_id, args.agency)
    print(f"{args.system_id} secret (shown once): {secret}")
    if args.agency:
        print(f"serves: {', '.join(args.agency)}")
    return 0
