"""The folder adapter survives SIGKILL between every two steps (adapters/folder/runner.py).

For each crash point a real ``axis-folder run`` child process on each side (the sender's system
00.47.W00, the receiver's 00.41.W00) is started with AXIS_FOLDER_CRASH_AT=<step>, SIGKILLs
itself there, and is restarted without it. Then every dropped package has been sent exactly
once (the hub holds one document per package, each .docid names it) and every received one
appears once in the inbox, byte for byte, with no temporary file left behind.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.vxp import VxpClient
from axis.edxml import build
from axis.edxml.model import Business, Code, DocumentPackage, Organization, PromulgationInfo
from axis.pki.signing import sign
from tests.adapters.conftest import SDK_CRLF, SECRETS, Child, eventually

SENDER, RECIPIENT = "000.00.00.H47", "000.00.00.H41"
SENDING, RECEIVING = "00.47.W00", "00.41.W00"
SEND_STEPS = ("after-send", "after-docid", "after-move")
RECEIVE_STEPS = ("after-fetch", "after-write", "after-ack")
_numbers = itertools.count(1)


def package(pki: Any, number: int) -> bytes:
    pkg = DocumentPackage(
        sender=Organization(organ_id=SENDER, organ_name="UBND tỉnh Quảng Nam"),
        recipients=(Organization(organ_id=RECIPIENT, organ_name="UBND tỉnh Nghệ An"),),
        document_id=f"{SENDER},2026/12/02,{number}/FOLDER",
        code=Code(code_number=str(number), code_notation="FOLDER"),
        promulgation=PromulgationInfo(place="Quảng Nam", promulgation_date="2026/12/02"),
        subject=f"Văn bản qua thư mục số {number}",
        business=Business(doc_type=0, paper="0"),
    )
    paths = pki.agency(SENDER)
    chain = paths.chain.read_bytes() if paths.chain.exists() else b""
    return sign(build(pkg), paths.key.read_bytes(), paths.cert.read_bytes(), chain_pem=chain)


def adapter(tmp_path: Path, hub: Any, system_id: str, crash_at: str, dialect: str = "sdk") -> Child:
    root = tmp_path / system_id
    root.mkdir(exist_ok=True)
    config = root / "folder.toml"
    config.write_text(
        f'[folder]\nroot = "{root}"\n\n[hub]\nendpoint = "{hub.endpoint}"\n'
        f'system_id = "{system_id}"\nsecret = "{SECRETS[system_id]}"\n'
        f'poll_interval_s = 0.2\nsdk_crlf = {SDK_CRLF}\ndialect = "{dialect}"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "adapters.folder.cli", "run", "--config", str(config)]
    return Child(command, root, env={"AXIS_FOLDER_CRASH_AT": crash_at} if crash_at else {})


def drop(outbox: Path, name: str, data: bytes) -> None:
    """As a well-behaved writer does: a dot-name first, then one rename into place."""
    outbox.mkdir(parents=True, exist_ok=True)
    tmp = outbox / f".{name}"
    tmp.write_bytes(data)
    os.replace(tmp, outbox / name)


@pytest.mark.parametrize("step", [*SEND_STEPS, "before-rename", *RECEIVE_STEPS])
async def test_after_a_kill_at_any_step_each_package_is_sent_and_received_exactly_once(
    step: str, tmp_path: Path, hub: Any, pki: Any
) -> None:
    packages = {f"doc-{n}.edxml": package(pki, next(_numbers) + 1000 * n) for n in range(3)}
    sender = adapter(tmp_path, hub, SENDING, step)
    receiver = adapter(tmp_path, hub, RECEIVING, step)
    for name, data in packages.items():
        drop(sender.folder / "outbox", name, data)
    sender.start()
    receiver.start()
    try:
        crashed = [c for c in (sender, receiver) if step in _steps_of(c, sender)]
        for child in crashed:
            assert child.wait_exit() == -9, child.log()
            child.env = {}
            child.start()

        sent_dir, inbox = sender.folder / "sent", receiver.folder / "inbox"

        async def settled() -> Any:
            outbox_left = [p for p in (sender.folder / "outbox").iterdir() if p.is_file()]
            received = sorted(inbox.glob("*.edxml")) if inbox.exists() else []
            pending = await _pending(hub, RECEIVING)
            return not outbox_left and len(received) == len(packages) and not pending

        await eventually(settled)
    finally:
        sender.stop()
        receiver.stop()

    doc_ids = {name: (sent_dir / f"{name}.docid").read_text().strip() for name in packages}
    for name, data in packages.items():
        assert (sent_dir / name).read_bytes() == data
    hub_documents = {row["senderDocId"] for row in await _sent(hub, SENDING)}
    assert hub_documents == set(doc_ids.values())  # one hub document per package: sent once
    received = [p.read_bytes() for p in sorted(inbox.iterdir())]
    assert sorted(received) == sorted(packages.values())  # each appears once, intact
    assert not list((sender.folder / "failed").iterdir())
    leftovers = [p for p in (*sent_dir.iterdir(), *inbox.iterdir()) if p.name.startswith(".")]
    assert not leftovers


async def test_on_the_gateway_door_packages_are_sent_and_received_the_same_way(
    tmp_path: Path, hub: Any, pki: Any
) -> None:
    """``[hub] dialect = "gateway"``: the same folders, over the provincial REST dialect."""
    packages = {f"gw-{n}.edxml": package(pki, next(_numbers) + 5000 + n) for n in range(2)}
    sender = adapter(tmp_path, hub, SENDING, "", dialect="gateway")
    receiver = adapter(tmp_path, hub, RECEIVING, "", dialect="gateway")
    for name, data in packages.items():
        drop(sender.folder / "outbox", name, data)
    sender.start()
    receiver.start()
    inbox = receiver.folder / "inbox"
    try:

        async def settled() -> Any:
            received = sorted(inbox.glob("*.edxml")) if inbox.exists() else []
            return len(received) == len(packages) and not await _pending(hub, RECEIVING)

        await eventually(settled)
    finally:
        sender.stop()
        receiver.stop()
    sent = {(sender.folder / "sent" / f"{name}.docid").read_text().strip() for name in packages}
    assert {row["senderDocId"] for row in await _sent(hub, SENDING)} == sent
    assert sorted(p.read_bytes() for p in inbox.iterdir()) == sorted(packages.values())
    with sqlite3.connect(hub.data_dir / "axis.db") as db:  # both really used the gateway door
        holders = {row[0] for row in db.execute("SELECT system_id FROM gateway_tokens")}
    assert holders == {SENDING, RECEIVING}


def _steps_of(child: Child, sender: Child) -> tuple[str, ...]:
    """Which crash points this side passes (an atomic write happens on both sides)."""
    return (*(SEND_STEPS if child is sender else RECEIVE_STEPS), "before-rename")


async def _pending(hub: Any, system_id: str) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as session:
        client = VxpClient(hub.endpoint, system_id, SECRETS[system_id], session=session)
        return await client.received_list()


async def _sent(hub: Any, system_id: str) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as session:
        client = VxpClient(hub.endpoint, system_id, SECRETS[system_id], session=session)
        return await client.sent_list()
