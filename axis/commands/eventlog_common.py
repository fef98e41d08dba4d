"""What the delivery-log commands share (log, trace, queue, stats, evidence): the store for a
config, the hub key, times on the command line, JSON output."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from axis import config as config_mod
from axis.config import Config
from axis.errors import ConfigError
from axis.eventlog.reports import VIETNAM
from axis.receipts import ReceiptSigner
from axis.store import open_store
from axis.store.base import Store

T = TypeVar("T")
_RELATIVE = re.compile(r"^(\d+)([mhd])$")


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="config.toml (default: all defaults)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def with_store(args: argparse.Namespace, work: Callable[[Store, Config], Awaitable[T]]) -> T:
    """Open the store of ``--config``, run ``work``, close it."""
    cfg = config_mod.load(args.config)

    async def run() -> T:
        store = await open_store(cfg)
        try:
            return await work(store, cfg)
        finally:
            await store.close()

    return asyncio.run(run())


def hub_keys(cfg: Config) -> ReceiptSigner:
    """The hub key and certificate (hub.key_dir, default <data_dir>/pki/hub), or none."""
    key_dir = Path(cfg.hub.key_dir) if cfg.hub.key_dir else cfg.data_dir / "pki" / "hub"
    return ReceiptSigner.load(key_dir)


def parse_time(text: str, now: datetime | None = None) -> str:
    """``--since``/``--until``: ISO date or time (no zone = Vietnam time) or ``30m``, ``2h``,
    ``7d`` ago; the store's ISO-8601 UTC text."""
    if not text:
        return ""
    moment = now or datetime.now(UTC)
    if match := _RELATIVE.match(text):
        unit = {"m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
        moment -= timedelta(**{unit: int(match.group(1))})
    else:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ConfigError(f"{text!r}: use 2026-11-23, 2026-11-23T10:00, 30m, 2h or 7d") from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def short_time(at: str) -> str:
    """Stored UTC text as Vietnam local time for a terminal (2026-11-23 17:04:05)."""
    try:
        return datetime.fromisoformat(at).astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return at
