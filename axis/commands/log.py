"""``axis log [filters]`` lists delivery-log events; ``axis log verify`` checks the whole chain.

Filters: --agency ID (sender, recipient or system), --since/--until T, --kind K, --code C,
--doc DOCID; paging: --limit N and --after SEQ (the ``next`` of the previous page). Exit codes
of verify: 0 intact, 1 a problem found (each named by seq and what is wrong).
"""

from __future__ import annotations

import argparse

from axis.commands.eventlog_common import (
    add_common,
    hub_keys,
    parse_time,
    print_json,
    short_time,
    with_store,
)
from axis.config import Config
from axis.eventlog.event import EventFilter, EventRow
from axis.eventlog.kinds import KINDS
from axis.eventlog.verify import VerifyReport, verify_store
from axis.store.base import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "log",
        help="the delivery log: list events; 'log verify' checks the hash chain and seals",
        description="List delivery-log events (oldest first unless --newest), or check the "
        "chain with 'axis log verify'. Kinds: " + ", ".join(KINDS),
    )
    add_common(parser)
    parser.add_argument("--agency", default="", help="events of this agency or system id")
    parser.add_argument("--since", default="", help="from this time (2026-11-23, 2h, 7d)")
    parser.add_argument("--until", default="", help="before this time")
    parser.add_argument("--kind", default="", choices=["", *KINDS], metavar="KIND")
    parser.add_argument("--code", default="", help="result or status code, e.g. 5.3.2 or 03")
    parser.add_argument("--doc", default="", help="events of this hub DocId")
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--after", type=int, default=None, metavar="SEQ", help="next page")
    parser.add_argument("--newest", action="store_true", help="newest first")
    parser.set_defaults(func=run_list)
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    verify = sub.add_parser("verify", help="check every event's hash and link, and every seal")
    add_common(verify)
    verify.set_defaults(func=run_verify)


def run_list(args: argparse.Namespace) -> int:
    filters = EventFilter(
        agency=args.agency, since=parse_time(args.since), until=parse_time(args.until),
        kind=args.kind, code=args.code, doc_id=args.doc,
    )  # fmt: skip

    async def work(store: Store, _: Config) -> list[EventRow]:
        return await store.list_events(filters, args.after, args.limit, args.newest)

    rows = with_store(args, work)
    following = rows[-1].seq if len(rows) == args.limit else None
    if args.json:
        print_json({"events": [row.as_dict() for row in rows], "next": following})
        return 0
    for row in rows:
        print(line(row))
    if following is not None:
        print(f"-- more: --after {following}")
    return 0


def line(row: EventRow) -> str:
    """One event on one line (Postfix style): seq, local time, kind, code, who, about what."""
    who = row.agency or row.system_id or "-"
    about = row.doc_id or row.ref or "-"
    text = f"{row.seq:>8} {short_time(row.at)} {row.kind:<13} {row.code or '-':<7} {who:<16} "
    return text + f"{about} {row.actor} {row.detail}".rstrip()


def run_verify(args: argparse.Namespace) -> int:
    async def work(store: Store, cfg: Config) -> VerifyReport:
        cert = hub_keys(cfg).cert_pem
        return await verify_store(store, cert.decode() if cert else None)

    report = with_store(args, work)
    if args.json:
        print_json(report.as_dict())
    else:
        for problem in report.problems:
            print(f"TAMPERED {problem}")
        for note in report.notes:
            print(f"note: {note}")
        verdict = "intact" if report.ok else f"{len(report.problems)} problem(s)"
        print(
            f"log: {report.events} events, head seq {report.head_seq}, {report.seals} seals "
            f"(last at seq {report.last_sealed_seq}): {verdict}"
        )
    return 0 if report.ok else 1
