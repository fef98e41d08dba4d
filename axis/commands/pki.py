"""``axis pki init``: generate the TEST PKI (axis/pki/devpki.py, layout in certs/README.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from axis.pki import devpki


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "pki",
        help="test PKI tools (axis pki init)",
        description="Tools for the TEST PKI. Never use these keys outside tests and demos.",
    )
    actions = parser.add_subparsers(dest="pki_command", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init",
        help="generate a test PKI: root, intermediates, hub, agency and bad-case certificates",
        description="Write a complete TEST PKI into DIR (layout: certs/README.md). On an "
        "existing DIR, only agencies not yet present get certificates; --force regenerates "
        "everything. Point signature.trust_dir at DIR/trust.",
    )
    init.add_argument("directory", metavar="DIR", type=Path, help="where to write the PKI")
    init.add_argument(
        "--agency",
        action="append",
        metavar="ID[:NAME]",
        help="agency to issue a signing certificate for (repeatable); default: a built-in set "
        "of central, province, department, district and commune agencies",
    )
    init.add_argument("--key-type", choices=("rsa", "ec"), default="rsa", help="default rsa (2048)")
    init.add_argument("--force", action="store_true", help="discard DIR's PKI and regenerate it")
    init.set_defaults(func=run_init)


def _agencies(values: list[str] | None) -> list[tuple[str, str]] | None:
    if not values:
        return None
    pairs = []
    for value in values:
        agency_id, _, name = value.partition(":")
        pairs.append((agency_id.strip(), name.strip() or f"{agency_id.strip()} (TEST)"))
    return pairs


def run_init(args: argparse.Namespace) -> int:
    existed = (args.directory / "trust" / "root.pem").exists() and not args.force
    before = set(devpki.DevPki(args.directory).agencies) if existed else set()
    pki = devpki.init(
        args.directory, _agencies(args.agency), key_type=args.key_type, force=args.force
    )
    if existed:
        print(f"{pki.directory}: existing PKI kept (use --force to regenerate)")
    else:
        print(f"{pki.trust_dir}/: trust anchor root.pem, intermediates/, CRLs *.crl.pem")
        print(f"{pki.hub.cert.parent}/: hub key.pem, cert.pem")
        for case in devpki.BAD_CASES:
            print(f"{pki.bad(case).cert.parent}/: bad case {case}")
    for agency in pki.agencies:
        if agency not in before:
            print(f"{pki.agency(agency).cert.parent}/: key.pem, cert.pem, chain.pem")
    print(f'set signature.trust_dir = "{pki.trust_dir}"')
    return 0
