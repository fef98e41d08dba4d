"""``axis agencies import FILE | list [--system S] | show ID | retire OLD --successor NEW... |
retire --csv FILE``: the agency directory (retire: axis/directory/reorganise.py).

``import`` loads a JSON list or CSV (id,pid,code,name,mail,mobile,fax[,system_id,upstream]) in
one transaction; the real national directory (~111k-123k agencies, docs/domain.md §1) loads in about
a second.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from axis import config as config_mod
from axis.directory.importer import read_file
from axis.store import open_store
from axis.store.base import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("agencies", help="import, list and show directory agencies")
    parser.add_argument("--config", metavar="FILE", help="config.toml (default: all defaults)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help="load agencies from a .json list or .csv file")
    imp.add_argument("file", metavar="FILE", type=Path)
    imp.set_defaults(func=run)
    lst = sub.add_parser("list", help="list agencies (optionally those one system serves)")
    lst.add_argument("--system", metavar="S", help="only agencies served by system S")
    lst.add_argument("--limit", type=int, default=None, help="at most N rows")
    lst.set_defaults(func=run)
    show = sub.add_parser("show", help="one agency and how it is reached")
    show.add_argument("agency_id", metavar="ID")
    show.set_defaults(func=run)
    retire = sub.add_parser(
        "retire",
        help="retire an agency (reorganisation): its mail goes to its successors",
        description="Retire OLD: packages for it (and those still waiting for it) go to each "
        "successor with 2.5.14; with no successor they are refused (5.5.15).",
    )
    retire.add_argument("old", metavar="OLD", nargs="?")
    retire.add_argument("--successor", metavar="NEW", action="append", default=[])
    retire.add_argument("--csv", metavar="FILE", type=Path, help="old,new lines (bulk)")
    retire.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    store = await open_store(config_mod.load(args.config))
    try:
        actions = {"import": _import, "list": _list, "show": _show, "retire": _retire}
        return await actions[args.action](store, args)
    finally:
        await store.close()


async def _import(store: Store, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    rows = read_file(args.file)
    read_s = time.perf_counter() - started
    count = await store.import_agencies(rows)
    total_s = time.perf_counter() - started
    print(f"imported {count} agencies from {args.file} in {total_s:.2f} s (reading {read_s:.2f} s)")
    return 0


async def _list(store: Store, args: argparse.Namespace) -> int:
    for row in await store.list_agencies(args.system, args.limit):
        route = row.system_id or (f"via {row.upstream}" if row.upstream else "-")
        print(f"{row.id:16} {row.pid or '-':16} {route:12} {row.name}")
    return 0


async def _show(store: Store, args: argparse.Namespace) -> int:
    row = await store.get_agency(args.agency_id)
    if row is None:
        print(f"axis: no agency {args.agency_id}")
        return 1
    for name, value in row.__dict__.items():
        print(f"{name:10} {value if value is not None else ''}")
    reached = (
        f"served by system {row.system_id}" if row.system_id
        else f"through upstream hub {row.upstream}" if row.upstream
        else "not served by any system (held here)"
    )  # fmt: skip
    print(f"{'route':10} {reached}")
    return 0


async def _retire(store: Store, args: argparse.Namespace) -> int:
    from axis.directory.reorganise import read_mapping, retire

    if bool(args.csv) == bool(args.old):
        print("axis: give OLD [--successor NEW ...] or --csv FILE")
        return 2
    mapping = read_mapping(args.csv) if args.csv else {args.old: args.successor}
    moved = 0
    for old, successors in mapping.items():
        moved += await retire(store, old, successors)
    print(f"retired {len(mapping)} agencies; {moved} waiting deliveries handed to successors")
    return 0
