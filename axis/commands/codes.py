"""``axis codes``: print the result-code catalogue."""

from __future__ import annotations

import argparse

from axis.errors import CATALOGUE, markdown_table


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("codes", help="list the result codes and what they mean")
    parser.add_argument("--markdown", action="store_true", help="print docs/codes.md")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.markdown:
        print(markdown_table(), end="")
        return 0
    for entry in CATALOGUE.values():
        print(f"{entry.code:7} {entry.slug:40} {entry.sentence}")
    return 0
