"""``axis conformance hub``: run the conformance kit against a hub (docs/conformance.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from axis.conformance import registry, reports, runner
from axis.conformance.target import System, Target, read_systems


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "conformance",
        help="prove a hub speaks the axis protocol and keeps its rules (graded report)",
        description="Run the conformance kit. Exit 0 only if every `must` case passes; "
        "1 if one fails; 3 if none fails but a `must` case was skipped.",
    )
    targets = parser.add_subparsers(dest="kind", metavar="TARGET", required=True)
    hub = targets.add_parser("hub", help="check a hub over its SDK-compatible HTTP API")
    hub.add_argument(
        "--target", metavar="URL", help="the hub's endpoint, e.g. http://127.0.0.1:8080"
    )
    hub.add_argument("--demo-dir", metavar="DIR", default="var/demo",
                     help="a `make run` demo dir: systems.json and pki/ (default var/demo)")  # fmt: skip
    hub.add_argument("--credentials", metavar="FILE",
                     help="systems.json-style file: [{system_id, secret, agencies}]")  # fmt: skip
    hub.add_argument("--system", metavar="ID", help="one system id (with --secret)")
    hub.add_argument("--secret", metavar="S", help="that system's secret")
    hub.add_argument("--agency", metavar="ID", action="append", default=[],
                     help="an agency --system serves (repeatable)")  # fmt: skip
    hub.add_argument("--pki", metavar="DIR",
                     help="agencies' signing keys, dev-PKI layout (default <demo-dir>/pki)")  # fmt: skip
    hub.add_argument("--codes", choices=("auto", "exact", "class"), default="auto",
                     help="check axis's exact codes, or only their class (auto: exact for axis)")  # fmt: skip
    hub.add_argument("--max-body", metavar="BYTES", type=int,
                     help="the hub's body limit, for the oversize case (default: declare 2 GiB)")  # fmt: skip
    hub.add_argument("--only", metavar="IDS", help="comma-separated ids or prefixes (HUB-AUTH)")
    hub.add_argument("--list", action="store_true", help="print the catalogue and exit")
    hub.add_argument(
        "--markdown", action="store_true", help="with --list: docs/conformance.md's table"
    )
    hub.add_argument("--junit", metavar="FILE", help="write a JUnit XML report")
    hub.add_argument("--html", metavar="FILE", help="write a self-contained HTML report")
    hub.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    only = [item.strip() for item in args.only.split(",")] if args.only else None
    cases = registry.cases("hub", only)
    if args.list:
        if args.markdown:
            print(reports.catalogue_markdown(cases), end="")
        else:
            for case in cases:
                print(f"{case.id:15} {case.severity:6} {case.clause:32} {case.title}")
        return 0
    if not args.target:
        print("axis conformance: --target URL is required (or --list)", file=sys.stderr)
        return 2
    target = _target(args)
    if not target.systems:
        print("axis conformance: no credentials: give --demo-dir, --credentials or "
              "--system/--secret", file=sys.stderr)  # fmt: skip
        return 2
    from axis.conformance.progress import LiveView

    with LiveView(len(cases)) as view:
        result = asyncio.run(runner.run(target, cases, on_start=view.started, on_done=view.done))
    view.summary(result)
    if args.junit:
        Path(args.junit).write_bytes(reports.junit(result))
    if args.html:
        Path(args.html).write_text(reports.html_report(result), encoding="utf-8")
    return result.exit_code


def _target(args: argparse.Namespace) -> Target:
    demo = Path(args.demo_dir)
    systems: list[System] = []
    if args.credentials:
        systems += read_systems(Path(args.credentials))
    elif not args.system and (demo / "systems.json").is_file():
        systems += read_systems(demo / "systems.json")
    if args.system:
        systems.insert(0, System(args.system, args.secret or "", tuple(args.agency)))
    pki = Path(args.pki) if args.pki else demo / "pki"
    return Target(
        args.target,
        systems,
        pki=pki if pki.is_dir() else None,
        codes=args.codes,
        max_body=args.max_body,
    )
