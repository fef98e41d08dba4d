"""``axis stats --period month``: documents sent and received per agency and tier, and the
share acknowledged the same working day (Decree 30/2020: Monday-Friday, Vietnam time, minus
eventlog.holidays), as provinces report them. Table, ``--json`` or ``--csv``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date, datetime

from axis.commands.eventlog_common import add_common, print_json, with_store
from axis.config import Config
from axis.errors import ConfigError
from axis.eventlog.reports import VIETNAM, StatsRow, period_bounds
from axis.store.base import Store

COLUMNS = ("agency", "tier", "sent", "received", "acknowledged", "same_working_day")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stats", help="documents per agency and tier in a period; same-working-day share"
    )
    add_common(parser)
    parser.add_argument("--period", choices=("day", "week", "month"), default="month")
    parser.add_argument(
        "--at", default="", metavar="YYYY-MM-DD", help="a day in the period (default: today)"
    )
    parser.add_argument("--csv", action="store_true", help="CSV on stdout")
    parser.set_defaults(func=run)


def holidays_of(cfg: Config) -> frozenset[date]:
    try:
        return frozenset(date.fromisoformat(day) for day in cfg.eventlog.holidays)
    except ValueError as exc:
        raise ConfigError(f"eventlog.holidays: {exc} (use YYYY-MM-DD)") from exc


def run(args: argparse.Namespace) -> int:
    try:
        day = date.fromisoformat(args.at) if args.at else datetime.now(VIETNAM).date()
    except ValueError as exc:
        raise ConfigError(f"--at {args.at!r}: use YYYY-MM-DD") from exc
    label, start, end = period_bounds(args.period, day)

    async def work(store: Store, cfg: Config) -> list[StatsRow]:
        return await store.stats(start, end, holidays_of(cfg))

    rows = with_store(args, work)
    if args.json:
        print_json(
            {"period": label, "start": start, "end": end, "agencies": [r.as_dict() for r in rows]}
        )
    elif args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow([*COLUMNS, "same_day_share"])
        for r in rows:
            writer.writerow([*(getattr(r, c) for c in COLUMNS), r.same_day_share])
    else:
        print(f"period {label} ({args.period}), Vietnam time")
        print(f"{'agency':<18}{'tier':<10}{'sent':>7}{'received':>10}{'acked':>8}{'same day':>10}")
        for r in rows:
            print(
                f"{r.agency:<18}{r.tier:<10}{r.sent:>7}{r.received:>10}{r.acknowledged:>8}"
                f"{r.same_day_share:>10.1%}"
            )
    return 0
