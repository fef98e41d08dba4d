"""``axis route FROM TO [TO ...] [--config FILE] [--json]``: how a package from FROM to each TO
would travel from this hub (hubs, hops, who delivers, successors, refusals), without sending
anything (axis/directory/explain.py; docs/tiers.md "Seeing it")."""

from __future__ import annotations

import argparse
import asyncio
import json

from axis import config as config_mod
from axis.store import open_store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "route",
        help="explain how a package would travel (nothing is sent)",
        description="From this hub's directory and [upstream]/[tiers] config: who delivers "
        "each recipient, through which hubs, with which successor or refusal.",
    )
    parser.add_argument("sender", metavar="FROM", help="the sending agency id")
    parser.add_argument("recipients", metavar="TO", nargs="+", help="recipient agency ids")
    parser.add_argument("--config", metavar="FILE", help="config.toml (default: all defaults)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    from axis.directory.explain import explain

    cfg = config_mod.load(args.config)
    store = await open_store(cfg)
    try:
        result = await explain(store, cfg, args.sender, args.recipients)
    finally:
        await store.close()
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(result.lines()))
    refused = result.sender_code or any(leg.code.startswith("5.") for leg in result.legs)
    return 1 if refused else 0
