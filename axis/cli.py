"""The ``axis`` command: thin. Parses arguments and hands over to axis/commands/<name>.py.

Each command module exposes ``register(subparsers)``, which adds its parser and sets
``func(args) -> int`` (the exit code). The order of COMMANDS is the order of ``axis --help``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from axis import __version__
from axis.errors import AxisError

COMMANDS = (
    "serve",
    "check_config",
    "validate",
    "inspect",
    "sign",
    "pki",
    "systems",
    "agencies",
    "route",
    "codes",
    "conformance",
    "store",
    "quarantine",
    "log",
    "trace",
    "queue",
    "stats",
    "evidence",
    "operators",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="axis",
        description="axis: a hub for edXML document interchange (QCVN 102:2016), "
        "wire-compatible with the VXP SDK.",
        epilog="Run 'axis COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"axis {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"axis.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except AxisError as exc:
        print(f"axis: {exc.code.code} {exc.code.slug}: {exc.reason}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
