"""The in-process floor: parse + schema + verify + commit, with no HTTP in between.

It runs the hub's own Checker and Store in this process on the same packages the load
generator sent, one after another on one core, so the ratio intake/floor says how much the
daemon (HTTP, authentication, threads, routing) costs on top of the library work.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

from axis import config as config_mod
from axis.intake.checker import Checker, load_trust
from axis.intake.context import Intake
from axis.intake.persist import document_row
from axis.store import open_store
from axis.store.base import NewDelivery


async def measure(trust_dir: Path, packages: list[bytes], recipients: list[str]) -> float:
    """Packages per second through check + one committed transaction each, serially."""
    with tempfile.TemporaryDirectory(prefix="axis-floor-") as tmp:
        cfg = config_mod.from_dict({"hub": {"data_dir": tmp}, "intake": {"policy": "strict"}})
        checker = Checker(cfg, load_trust(trust_dir))
        store = await open_store(cfg)
        try:
            began = time.perf_counter()
            for data in packages:
                checked = checker.check(data)
                sender = checked.package.sender.organ_id
                ctx = Intake(
                    data, "floor", sender, "edoc", datetime.now().astimezone(), check_result=checked
                )
                ctx.findings = list(checked.findings)
                await store.save_incoming(
                    document_row(ctx),
                    [NewDelivery(uuid.uuid4().hex, agency, "edoc") for agency in recipients],
                )
            elapsed = time.perf_counter() - began
        finally:
            await store.close()
    return len(packages) / elapsed
