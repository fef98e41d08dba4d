"""``axis check-config``: load a config file and print the effective settings."""

from __future__ import annotations

import argparse

from axis import config as config_mod


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-config",
        help="validate a config file and print the effective settings",
        description="Load FILE (default: none, all defaults), refuse unknown keys, and print "
        "every setting; '(default)' marks values not set in the file.",
    )
    parser.add_argument("--config", metavar="FILE", help="config.toml to check")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    cfg = config_mod.load(args.config)
    for key, value, is_default in config_mod.effective(cfg):
        print(f"{key} = {value!r}{'  (default)' if is_default else ''}")
    return 0
