"""``axis conformance hub|dms``: run the conformance kit against a hub or a DMS
(docs/conformance.md)."""

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
    _register_dms(targets)


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
        systems += read_systems(demo / "systems.json", args.target)
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


# -- the DMS target -----------------------------------------------------------------------


def _register_dms(targets: argparse._SubParsersAction) -> None:
    dms = targets.add_parser(
        "dms",
        help="check a document-management system against a sandbox hub the kit runs",
        description="Start a sandbox hub (a real `axis serve`), print what to configure the DMS "
        "with, then drive the DMS (or tell you what to do in it) and judge what it put on the "
        "wire. Exit 0 only if every `must` case passes.",
    )
    dms.add_argument("--target", metavar="URL",
                     help="the DMS's own API, for a driver (without it: instructions on the terminal)")  # fmt: skip
    dms.add_argument("--driver", choices=("manual", "qoffice"),
                     help="how to act in the DMS (default: qoffice with --target, else manual)")  # fmt: skip
    dms.add_argument("--token", default="", help="the DMS API's bearer token (qoffice driver)")
    dms.add_argument("--sandbox-dir", metavar="DIR",
                     help="keep the sandbox (secret, keys, hub data) here across runs (default: a temp dir)")  # fmt: skip
    dms.add_argument("--listen", metavar="PORT", type=int, default=0,
                     help="the sandbox endpoint's loopback port (default: a free one)")  # fmt: skip
    dms.add_argument("--config-out", metavar="FILE",
                     help="write what the DMS must be configured with as JSON")  # fmt: skip
    dms.add_argument("--poll-interval", metavar="S", type=float, default=5.0,
                     help="the poll interval the DMS is configured with for the run (default 5)")  # fmt: skip
    dms.add_argument("--max-list-rate", metavar="N", type=float, default=2.0,
                     help="list calls per second above which polling is hammering (default 2)")  # fmt: skip
    dms.add_argument("--step-timeout", metavar="S", type=float,
                     help="how long to wait for each thing the DMS must do (default 60; manual 600)")  # fmt: skip
    dms.add_argument("--wait-dms", metavar="S", type=float, default=300.0,
                     help="how long to wait for the DMS's first request (default 300)")  # fmt: skip
    dms.add_argument("--only", metavar="IDS", help="comma-separated ids or prefixes (DMS-RECV)")
    dms.add_argument("--list", action="store_true", help="print the catalogue and exit")
    dms.add_argument(
        "--markdown", action="store_true", help="with --list: docs/conformance.md's table"
    )
    dms.add_argument("--junit", metavar="FILE", help="write a JUnit XML report")
    dms.add_argument("--html", metavar="FILE", help="write a self-contained HTML report")
    dms.set_defaults(func=run_dms)


def run_dms(args: argparse.Namespace) -> int:
    from axis.conformance import dms_run
    from axis.conformance.dms_context import Options
    from axis.conformance.dms_drivers import ManualDriver, QOfficeDriver
    from axis.conformance.progress import LiveView

    only = [item.strip() for item in args.only.split(",")] if args.only else None
    cases = registry.cases("dms", only)
    if args.list:
        _print_list(cases, args.markdown)
        return 0
    driver_name = args.driver or ("qoffice" if args.target else "manual")
    if driver_name == "qoffice" and not args.target:
        print("axis conformance dms: --driver qoffice needs --target URL", file=sys.stderr)
        return 2
    options = Options(
        step_timeout_s=args.step_timeout or (600.0 if driver_name == "manual" else 60.0),
        poll_interval_s=args.poll_interval,
        max_list_rate=args.max_list_rate,
    )
    with LiveView(len(cases)) as view:
        say = view.console.print  # the instructions and the banner, above the progress bar

        def driver(session: object) -> object:
            if driver_name == "manual":
                return ManualDriver(lambda text: say(text, markup=False))
            return QOfficeDriver(args.target, args.token, session)  # type: ignore[arg-type]

        spec = dms_run.DmsRun(
            describe=args.target or "a DMS driven by hand",
            driver=driver,  # type: ignore[arg-type]
            options=options,
            sandbox_dir=Path(args.sandbox_dir) if args.sandbox_dir else None,
            recorder_port=args.listen,
            config_out=Path(args.config_out) if args.config_out else None,
            wait_dms_s=args.wait_dms,
        )
        try:
            result = asyncio.run(
                dms_run.run(spec, cases, say=lambda text: say(text, markup=False),
                            on_start=view.started, on_done=view.done)
            )  # fmt: skip
        except dms_run.DmsNotReady as error:
            print(f"axis conformance dms: {error}", file=sys.stderr)
            return 2
    view.summary(result)
    _write_reports(args, result)
    return result.exit_code


def _print_list(cases: list[registry.Case], markdown: bool) -> None:
    if markdown:
        print(reports.catalogue_markdown(cases), end="")
        return
    for case in cases:
        print(f"{case.id:15} {case.severity:6} {case.clause:32} {case.title}")


def _write_reports(args: argparse.Namespace, result: runner.Run) -> None:
    if args.junit:
        Path(args.junit).write_bytes(reports.junit(result))
    if args.html:
        Path(args.html).write_text(reports.html_report(result), encoding="utf-8")
