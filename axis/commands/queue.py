"""``axis queue``: the shape of what waits, like Postfix's qshape.

One row per destination agency with its open deliveries (queued, fetched, fail) by age bucket
(minutes, qshape's doubling buckets), then the oldest open delivery and the failures of the
last hour. ``--json`` for scripts and monitoring.
"""

from __future__ import annotations

import argparse

from axis.commands.eventlog_common import add_common, print_json, short_time, with_store
from axis.config import Config
from axis.eventlog.reports import QueueShape, bucket_labels
from axis.store.base import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "queue", help="what waits for delivery: by destination and age (like qshape)"
    )
    add_common(parser)
    parser.add_argument("--top", type=int, default=30, help="destinations shown (default 30)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    async def work(store: Store, _: Config) -> QueueShape:
        return await store.queue_shape()

    shape = with_store(args, work)
    if args.json:
        print_json(shape.as_dict())
        return 0
    labels = bucket_labels()
    print(f"{'destination':<18}{'total':>7}" + "".join(f"{label:>10}" for label in labels))
    totals = [sum(row.by_age[i] for row in shape.rows) for i in range(len(labels))]
    print(f"{'TOTAL':<18}{shape.total:>7}" + "".join(f"{n:>10}" for n in totals))
    for row in shape.rows[: args.top]:
        print(f"{row.destination:<18}{row.total:>7}" + "".join(f"{n:>10}" for n in row.by_age))
    if len(shape.rows) > args.top:
        print(f"... {len(shape.rows) - args.top} more destinations (--top N)")
    states = ", ".join(f"{state} {n}" for state, n in sorted(shape.states.items())) or "none"
    print(f"\nopen deliveries by state: {states}")
    if shape.oldest:
        o = shape.oldest
        print(
            f"oldest: {o['delivery_id']} to {o['agency']} ({o['state']}) since "
            f"{short_time(o['created_at'])}, document {o['doc_id']}"
        )
    print(f"failures in the last hour: {shape.failures_last_hour}")
    return 0
