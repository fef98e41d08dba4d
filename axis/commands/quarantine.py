"""``axis quarantine list|release ID``: push deliveries set aside after an unexpected error.

A delivery whose adapter raised (a bug, not an answer from the endpoint) is quarantined by the
queue manager (docs/delivery.md): it stays queued but is not tried again until an operator has
looked at the log and releases it, which makes it due at once.
"""

from __future__ import annotations

import argparse
import asyncio

from axis import config as config_mod
from axis.store import open_store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "quarantine", help="list or release push deliveries set aside after unexpected errors"
    )
    parser.add_argument("--config", metavar="FILE", help="config.toml (default: all defaults)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="quarantined deliveries, oldest first, with the reason")
    listing.add_argument("--limit", type=int, default=100)
    listing.set_defaults(func=run)
    release = sub.add_parser("release", help="put a delivery back in the queue, due at once")
    release.add_argument("delivery_id", metavar="ID")
    release.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    store = await open_store(config_mod.load(args.config))
    try:
        if args.action == "release":
            if not await store.push_release(args.delivery_id):
                print(f"axis: delivery {args.delivery_id} is not quarantined")
                return 1
            print(f"{args.delivery_id} released: due at once")
            return 0
        rows = await store.push_quarantined(args.limit)
        for row in rows:
            print(f"{row.delivery_id}  to {row.agency} via {row.route}  attempts {row.attempts}  "
                  f"{row.quarantine}")  # fmt: skip
        print(f"{len(rows)} quarantined")
        return 0
    finally:
        await store.close()
