"""The in-process floor: parse + schema + verify + commit, with no HTTP in between.

It runs the hub's own Checker and Store in this process on the same packages the load
generator sent, one after another on one core, so the ratio intake/floor says how much the
daemon (HTTP, authentication, threads, routing) costs on top of the library work.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path

from axis import config as config_mod
from axis.intake.check import Checker, load_trust
from axis.store import open_store
from axis.store.base import NewDelivery, NewDocument


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
                doc_id = uuid.uuid4().hex
                await store.save_incoming(
                    _document(doc_id, checked),
                    [NewDelivery(uuid.uuid4().hex, agency, "edoc") for agency in recipients],
                )
            elapsed = time.perf_counter() - began
        finally:
            await store.close()
    return len(packages) / elapsed


def _document(doc_id: str, checked) -> NewDocument:  # type: ignore[no-untyped-def]
    package = checked.package
    return NewDocument(
        id=doc_id,
        from_agency=package.sender.organ_id,
        system_id="floor",
        message_type="edoc",
        document_id=package.document_id,
        business_type=package.business_doc_type,
        original_id=None,
        status_code="",
        sha256=checked.sha256,
        data=checked.data,
        subject=package.subject,
        notation=package.code.code_notation,
        findings=tuple((f.code, f.detail) for f in checked.findings),
        created_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
    )
