"""``axis check-config``: load a config file and print the effective settings."""

from __future__ import annotations

import argparse

from axis import config as config_mod
from axis.delivery import registry


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
        if key == "delivery.systems":
            continue  # below, one line each, secrets hidden
        print(f"{key} = {value!r}{'  (default)' if is_default else ''}")
    # Each push system's adapter checks its own settings (ConfigError names the bad key).
    for line in registry.describe(cfg):
        print(line)
    return 0
