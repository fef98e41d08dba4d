"""``axis evidence DOCID OUT.zip`` exports a document's proof; ``axis evidence verify FILE``
checks one offline, without the hub or its database (axis/eventlog/evidence.py).

Export seals the chain's head first (with the hub key of hub.key_dir) so the document's last
event is covered. Verify exits 0 when every check passes, 1 otherwise, naming each problem.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from axis.commands.eventlog_common import add_common, hub_keys, print_json, with_store
from axis.config import Config
from axis.errors import ConfigError
from axis.eventlog import evidence
from axis.eventlog.sealer import seal_key
from axis.intake.checker import trust_dir_for
from axis.store.base import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evidence",
        help="export a document's evidence bundle; 'evidence verify FILE' checks one offline",
        description="axis evidence DOCID OUT.zip | axis evidence verify FILE.zip",
    )
    parser.add_argument("target", metavar="DOCID|verify")
    parser.add_argument("path", metavar="OUT.zip|FILE.zip")
    add_common(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.target == "verify":
        return verify(args)

    async def work(store: Store, cfg: Config) -> bytes:
        keys = hub_keys(cfg)
        key = seal_key(keys, cfg.hop_name)
        try:
            return await evidence.export(store, args.target, keys, key, trust_dir_for(cfg))
        except evidence.EvidenceError as exc:
            raise ConfigError(str(exc)) from exc

    data = with_store(args, work)
    Path(args.path).write_bytes(data)
    if args.json:
        print_json({"doc_id": args.target, "path": args.path, "bytes": len(data)})
    else:
        print(
            f"wrote {args.path} ({len(data)} bytes); check it with: axis evidence verify {args.path}"
        )
    return 0


def verify(args: argparse.Namespace) -> int:
    try:
        data = Path(args.path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {args.path}: {exc.strerror}") from exc
    report = evidence.verify(data)
    if args.json:
        print_json(report.as_dict())
    else:
        for fact in report.facts:
            print(f"ok: {fact}")
        for problem in report.problems:
            print(f"FAILED: {problem}")
        print(f"evidence for {report.doc_id or '?'}: {'valid' if report.ok else 'NOT valid'}")
    return 0 if report.ok else 1
