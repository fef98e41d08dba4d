"""``axis validate``: the intake's offline checks on files, one verdict line per file.

Output: ``FILE: OK``, ``FILE: WARN <code> <reason>`` (further warnings indented under it) or
``FILE: REJECT <code> <reason>``. Exit 0 when nothing was rejected, 1 otherwise. ``--json``
prints one object per file for machines.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from axis import config as config_mod
from axis.errors import ConfigError, Rejected
from axis.intake.checker import Checker, load_trust, trust_dir_for


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check edXML packages as the hub would at the door",
        description="Parse, schema-check and signature-check each FILE as the hub's intake "
        "does, and print one verdict per file: OK, WARN (accepted with warnings) or REJECT. "
        "Exit status 0 when nothing was rejected, 1 otherwise.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help=".edxml package(s)")
    parser.add_argument("--policy", choices=("strict", "lenient"), help="default: from config")
    parser.add_argument("--trust", metavar="DIR", help="trust anchors and CRLs (axis pki init)")
    parser.add_argument(
        "--signature",
        choices=("required", "optional", "off"),
        help="signature mode (default: required when strict, optional when lenient)",
    )
    parser.add_argument("--allow-legacy", action="store_true", help="accept SHA-1 signatures")
    parser.add_argument("--config", metavar="FILE", help="config.toml (default: built-in defaults)")
    parser.add_argument("--json", action="store_true", help="one JSON object per file")
    parser.set_defaults(func=run)


def _config(args: argparse.Namespace) -> config_mod.Config:
    cfg = config_mod.load(args.config)
    if args.policy:
        cfg = config_mod.replace(cfg, "intake", policy=args.policy)
    changes: dict[str, Any] = {}
    if args.signature:
        changes["mode"] = args.signature
    if args.allow_legacy:
        changes["allow_legacy"] = True
    return config_mod.replace(cfg, "signature", **changes) if changes else cfg


def verdict(checker: Checker, path: Path) -> dict[str, Any]:
    """The verdict for one file as a dict: file, verdict, code, reason, warnings."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return {"file": str(path), "verdict": "REJECT", "code": "5.1.9", "reason": str(exc)}
    try:
        checked = checker.check(data)
    except Rejected as exc:
        return {"file": str(path), "verdict": "REJECT", "code": exc.code.code, "reason": exc.reason}
    warnings = [{"code": f.code, "reason": f.reason} for f in checked.findings]
    return {
        "file": str(path),
        "verdict": "WARN" if warnings else "OK",
        "kind": checked.kind,
        "signature": checked.signature.kind,
        "warnings": warnings,
    }


def _print_line(result: dict[str, Any]) -> None:
    name, kind = result["file"], result["verdict"]
    if kind == "OK":
        print(f"{name}: OK")
    elif kind == "REJECT":
        print(f"{name}: REJECT {result['code']} {result['reason']}")
    else:
        first, *rest = result["warnings"]
        print(f"{name}: WARN {first['code']} {first['reason']}")
        for warning in rest:
            print(f"    {warning['code']} {warning['reason']}")


def run(args: argparse.Namespace) -> int:
    cfg = _config(args)
    trust_dir = Path(args.trust) if args.trust else trust_dir_for(cfg)
    if args.trust and not trust_dir.is_dir():
        raise ConfigError(
            f"--trust {args.trust}: no such directory (create one: axis pki init DIR)"
        )
    checker = Checker(cfg, load_trust(trust_dir))
    results = [verdict(checker, Path(name)) for name in args.files]
    for result in results:
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            _print_line(result)
    return 1 if any(r["verdict"] == "REJECT" for r in results) else 0
