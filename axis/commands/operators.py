"""``axis operators add NAME|list|admin-token``: console operators and the admin API token.

``add`` asks for the password twice on a terminal, or reads one line from standard input
(``echo "$PW" | axis operators add NAME``); it stores only its Argon2id hash
(axis/console/passwords.py). Adding an existing name sets a new password and ends its
sessions. ``admin-token`` prints a new random token once and the config line holding its
SHA-256 (docs/console.md).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import hashlib
import re
import secrets
import sys
from datetime import UTC, datetime

from axis import config as config_mod
from axis.console.passwords import MIN_LENGTH, hash_password
from axis.console.workday import store_time
from axis.store import open_store

NAME = re.compile(r"[\w.@-]{1,64}")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("operators", help="console operators and the admin API token")
    parser.add_argument("--config", metavar="FILE", help="config.toml (default: all defaults)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add an operator or set a new password (asked or on stdin)")
    add.add_argument("name", metavar="NAME")
    add.set_defaults(func=run)
    sub.add_parser("list", help="list operators (never their passwords)").set_defaults(func=run)
    sub.add_parser(
        "admin-token", help="print a new admin API token and the config line for it"
    ).set_defaults(func=token)


def read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("axis: the two passwords differ; nothing changed")
    return first


def run(args: argparse.Namespace) -> int:
    password = read_password() if args.action == "add" else ""
    return asyncio.run(_run(args, password))


async def _run(args: argparse.Namespace, password: str) -> int:
    if args.action == "add" and not NAME.fullmatch(args.name):
        print(
            "axis: an operator name is 1-64 letters, digits, '.', '_', '-' or '@'", file=sys.stderr
        )
        return 1
    if args.action == "add" and len(password) < MIN_LENGTH:
        print(f"axis: a password needs at least {MIN_LENGTH} characters", file=sys.stderr)
        return 1
    store = await open_store(config_mod.load(args.config))
    try:
        if args.action == "add":
            name = args.name
            new = await store.add_operator(
                name, hash_password(password), store_time(datetime.now(UTC))
            )
            print(f"operator {name} {'added' if new else 'has a new password (sessions ended)'}")
            return 0
        for row in await store.list_operators():
            print(f"{row.name:24} since {row.created_at[:19]}")
        return 0
    finally:
        await store.close()


def token(args: argparse.Namespace) -> int:
    value = secrets.token_urlsafe(32)
    print(f"admin API token (shown once): {value}")
    print("put this in the [console] section of the config:")
    print(f'admin_token_sha256 = "{hashlib.sha256(value.encode()).hexdigest()}"')
    return 0
