"""``axis sign``: sign a package with an agency key (enveloped XMLDSig, axis/pki/signing.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from axis.errors import Rejected
from axis.pki.signing import DIGESTS
from axis.pki.xmldsig import sign


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sign",
        help="sign an .edxml package with an agency certificate",
        description='Add an enveloped XMLDSig (Reference URI="", enveloped-signature, '
        "trace-header XPath filter, exclusive c14n) as the last child of edXMLHeader. Every "
        "other byte of IN is kept. The key may be RSA (rsa-sha256) or EC (ecdsa-sha256).",
        epilog="Example: axis sign --key var/pki/agencies/000.00.00.H47/key.pem "
        "--cert var/pki/agencies/000.00.00.H47/cert.pem "
        "--chain var/pki/agencies/000.00.00.H47/chain.pem doc.edxml doc.signed.edxml",
    )
    parser.add_argument("--key", required=True, type=Path, help="private key, PEM (unencrypted)")
    parser.add_argument("--cert", required=True, type=Path, help="signer certificate, PEM")
    parser.add_argument("--chain", type=Path, help="intermediate certificates, PEM (optional)")
    parser.add_argument(
        "--digest",
        default="sha256",
        choices=DIGESTS,
        help="digest for the reference and the signature (default sha256; sha1 is legacy and "
        "refused by hubs unless signature.allow_legacy)",
    )
    parser.add_argument("input", metavar="IN", type=Path, help="package to sign")
    parser.add_argument("output", metavar="OUT", help="where to write it; '-' for stdout")
    parser.set_defaults(func=run)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise Rejected("5.1.9", f"{path}: {exc.strerror}") from None


def run(args: argparse.Namespace) -> int:
    chain = _read(args.chain) if args.chain else b""
    signed = sign(
        _read(args.input), _read(args.key), _read(args.cert), chain_pem=chain, digest=args.digest
    )
    if args.output == "-":
        sys.stdout.buffer.write(signed)
    else:
        Path(args.output).write_bytes(signed)
    return 0
