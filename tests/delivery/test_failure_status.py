"""The status a sender pulls when a push delivery expires or is refused (docs/delivery.md "What
the sender sees"), on both backends: a real store, real push receivers on loopback, the hub key
of the dev PKI, a ManualClock for the lifetime. A crash between ending the delivery and issuing
its status is a real SIGKILL of a child process."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from axis.config import Config
from axis.delivery.clock import ManualClock
from axis.delivery.notices import FailureNotices
from axis.directory import Directory, demo
from axis.edxml import StatusPackage, load, parse
from axis.intake.checker import load_trust
from axis.pki import devpki
from axis.pki.xmldsig import verify
from axis.receipts import ReceiptSigner
from axis.store import open_store
from axis.store.base import Store
from tests.delivery.conftest import (
    PUSHED,
    RECIPIENT,
    SECRETS,
    SENDER,
    SENDER_SYSTEM,
    accept,
    http_push,
    new_document,
    queue_manager,
    settle,
)
from tests.support.push_receiver import Receiver


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> devpki.DevPki:
    agencies = [(row.id, row.name) for row in demo.agencies()]
    return devpki.init(tmp_path_factory.mktemp("pki"), agencies, key_type="ec")


def hub_signer(pki: devpki.DevPki | None) -> ReceiptSigner:
    if pki is None:
        return ReceiptSigner(None, None)
    return ReceiptSigner(pki.hub.key.read_bytes(), pki.hub.cert.read_bytes())


def issuer(store: Store, pki: devpki.DevPki | None) -> FailureNotices:
    return FailureNotices(store, Directory(store), hub_signer(pki), "02", "test-hub")


async def statuses(store: Store, system_id: str = SENDER_SYSTEM) -> list[tuple[str, bytes]]:
    """(from, bytes) of every status the system can pull."""
    rows = await store.list_received(system_id, "status")
    return [(row.from_agency, await store.fetch(row.delivery_id, system_id) or b"") for row in rows]


def read_status(data: bytes) -> StatusPackage:
    package = parse(load(data).root)
    assert isinstance(package, StatusPackage)
    return package


async def run_past_lifetime(store: Store, receiver: Receiver, pki: Any, **changes: Any) -> None:
    clock = ManualClock()
    manager = queue_manager(store, {PUSHED: http_push(receiver)}, clock, lifetime_s=100.0,
                            notices=issuer(store, pki), **changes)  # fmt: skip
    for _ in range(30):
        await settle(manager)
        clock.advance(5.0)
    await manager.close()


async def test_a_push_endpoint_down_past_the_lifetime_gives_the_sender_one_status_signed_by_the_hub(
    store: Store, receiver: Receiver, pki: devpki.DevPki
) -> None:
    [delivery] = await accept(store, 1)
    receiver.mode = "down"
    await run_past_lifetime(store, receiver, pki)
    [(reporter, data)] = await statuses(store)
    assert reporter == RECIPIENT
    status = read_status(data)
    assert (status.status_code, status.sender.organ_id) == ("02", RECIPIENT)
    assert status.description.startswith("axis 5.9.1 delivery.expired: not delivered within")
    assert "last error: 4.9.3" in status.description
    original = (await store.list_sent(SENDER_SYSTEM))[0]
    document = await store.get_document(original.doc_id)
    assert document is not None and status.response_for.document_id == document.document_id
    verdict = verify(load(data).root, mode="required", trust=load_trust(pki.trust_dir))
    hub_cert = pki.hub.cert.read_bytes()
    assert verdict.kind == "verified" and "hub" in verdict.signer.lower(), verdict
    assert hub_cert  # the signer is the hub's certificate, not an agency's
    assert original.state == "expired" and original.delivery_id == delivery
    assert not await store.notices_pending()


async def test_a_refusal_and_the_bulk_sweep_each_give_one_status_per_failed_delivery(
    store: Store, receiver: Receiver, pki: devpki.DevPki
) -> None:
    await accept(store, 1)
    receiver.mode = "refuse"
    manager = queue_manager(store, {PUSHED: http_push(receiver)}, ManualClock(),
                            notices=issuer(store, pki))  # fmt: skip
    for _ in range(3):
        await settle(manager)
    [(_, refused)] = await statuses(store)
    assert read_status(refused).description.startswith("axis 5.9.2 delivery.refused-by-endpoint")
    await manager.close()
    await accept(store, 5)
    receiver.mode = "down"  # two tries open the circuit; the sweep expires the other three
    await run_past_lifetime(store, receiver, pki, circuit_failures=2, circuit_open_s=3600.0,
                            max_in_flight_per_endpoint=2)  # fmt: skip
    found = [read_status(data).description for _, data in await statuses(store)]
    assert len(found) == 6 and sum(d.startswith("axis 5.9.1") for d in found) == 5


async def test_a_status_packages_own_failed_delivery_gets_no_status_no_loops(
    store: Store, receiver: Receiver, pki: devpki.DevPki
) -> None:
    doc, deliveries = new_document()
    doc = doc.__class__(**{**doc.__dict__, "message_type": "status", "status_code": "02"})
    await store.save_incoming(doc, [d.__class__(d.id, d.agency, "status", d.route)
                                    for d in deliveries])  # fmt: skip
    receiver.mode = "refuse"
    manager = queue_manager(store, {PUSHED: http_push(receiver)}, ManualClock(),
                            notices=issuer(store, pki))  # fmt: skip
    for _ in range(3):
        await settle(manager)
    await manager.close()
    pushed = await store.get_delivery(deliveries[0].id)
    assert pushed is not None and pushed.state == "fail"
    assert await statuses(store) == [] and await store.notices_pending() == []


async def test_failure_status_off_issues_none(
    store: Store, receiver: Receiver, pki: devpki.DevPki
) -> None:
    await accept(store, 1)
    receiver.mode = "down"
    await run_past_lifetime(store, receiver, pki, failure_status="off")
    assert [row.state for row in await store.list_sent(SENDER_SYSTEM)] == ["expired"]
    assert await statuses(store) == [] and await store.notices_pending() == []


async def test_without_a_hub_key_the_status_is_sent_unsigned_with_warning_2_9_5(
    store: Store, receiver: Receiver
) -> None:
    await accept(store, 1)
    receiver.mode = "down"
    await run_past_lifetime(store, receiver, None)
    [(_, data)] = await statuses(store)
    assert b"Signature" not in data and read_status(data).status_code == "02"
    [row] = await store.list_received(SENDER_SYSTEM, "status")
    received = await store.get_delivery(row.delivery_id)
    assert received is not None
    document = await store.get_document(received.doc_id)
    assert document is not None and '"2.9.5"' in document.findings


CRASHING = """
import asyncio, os, random, signal, sys
from axis import config
from axis.delivery import Outcome, Result
from axis.delivery.queue import QueueManager
from tests.delivery.conftest import DELIVERY, PUSHED
from tests.delivery.test_failure_status import issuer
from axis.store import open_store

class Refusing:
    name = "refusing"
    async def deliver(self, item): return Result(Outcome.PERMANENT, "HTTP 400 no")
    async def close(self): pass

async def main():
    store = await open_store(config.load(sys.argv[1]))
    manager = QueueManager(store, DELIVERY, {PUSHED: Refusing()}, None, random.Random(1),
                           notices=issuer(store, None))
    await manager.run_once()  # the notices owed so far: none
    await manager.drain()  # the refusal ends the delivery and records its notice
    os.kill(os.getpid(), signal.SIGKILL)  # before the next round would issue it

asyncio.run(main())
"""


async def test_a_crash_between_ending_the_delivery_and_issuing_still_yields_exactly_one_status(
    store: Store, store_cfg: Config, tmp_path: Path, pki: devpki.DevPki
) -> None:
    await accept(store, 1)
    config = tmp_path / "axis.toml"
    config.write_text(
        f'[hub]\ndata_dir = "{store_cfg.hub.data_dir}"\n[store]\nbackend = '
        f'"{store_cfg.store.backend}"\ndsn = "{store_cfg.store.dsn}"\n',
        encoding="utf-8",
    )
    child = subprocess.run([sys.executable, "-c", CRASHING, str(config)], capture_output=True,
                           text=True, timeout=60, cwd=Path(__file__).parents[2])  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert [row.state for row in await store.list_sent(SENDER_SYSTEM)] == ["fail"]
    assert len(await store.notices_pending()) == 1 and await statuses(store) == []
    other = await open_store(store_cfg)  # a second node (on SQLite: a second issuer)
    try:
        counts = await asyncio.gather(
            issuer(store, pki).issue_pending(), issuer(other, pki).issue_pending()
        )
    finally:
        await other.close()
    assert sorted(counts) == [0, 1]
    assert await issuer(store, pki).issue_pending() == 0
    [(reporter, data)] = await statuses(store)
    assert reporter == RECIPIENT and read_status(data).description.startswith("axis 5.9.2")
    assert SENDER in read_status(data).response_for.document_id


async def test_a_sender_delivered_by_push_gets_the_failure_status_pushed_at_once(
    store: Store, receiver: Receiver, pki: devpki.DevPki
) -> None:
    sender_side = await Receiver(SENDER_SYSTEM, SECRETS[SENDER_SYSTEM]).start()
    try:
        await accept(store, 1)
        receiver.mode = "refuse"
        notices = issuer(store, pki)
        adapters = {PUSHED: http_push(receiver), SENDER_SYSTEM: http_push(sender_side)}
        manager = queue_manager(store, adapters, ManualClock(), notices=notices)
        notices.wake = manager.wake  # as the daemon wires it
        for _ in range(3):
            await settle(manager)
        await manager.close()
        [data] = sender_side.stored.values()
        status = read_status(data)
        assert status.sender.organ_id == RECIPIENT and status.description.startswith("axis 5.9.2")
        assert await statuses(store) == []  # pushed, so not in its pull list
    finally:
        await sender_side.stop()


async def test_quarantine_earns_no_status_until_released_past_the_lifetime_then_exactly_one(
    store: Store, receiver: Receiver, pki: devpki.DevPki
) -> None:
    from tests.delivery.test_queue import Exploding

    [delivery] = await accept(store, 1)
    clock = ManualClock()
    adapter = Exploding(http_push(receiver), {delivery})
    manager = queue_manager(store, {PUSHED: adapter}, clock, lifetime_s=100.0,
                            notices=issuer(store, pki))  # fmt: skip
    await settle(manager)
    clock.advance(500.0)  # past the lifetime: the sweep leaves a quarantined delivery alone
    for _ in range(2):
        await settle(manager)
    assert len(await store.push_quarantined()) == 1 and await statuses(store) == []
    assert await store.push_release(delivery)
    manager.wake()
    for _ in range(2):
        await settle(manager)
    await manager.close()
    [(_, data)] = await statuses(store)
    assert read_status(data).description.startswith("axis 5.9.1 delivery.expired")


async def test_a_sender_gone_from_the_directory_gets_none_and_the_notice_is_closed_with_why(
    store: Store, receiver: Receiver, pki: devpki.DevPki
) -> None:
    await accept(store, 1)
    receiver.mode = "refuse"
    manager = queue_manager(store, {PUSHED: http_push(receiver)}, ManualClock())  # no issuer
    await settle(manager)
    await manager.close()
    assert len(await store.notices_pending()) == 1
    assert await store.delete_agency(SENDER)
    assert await issuer(store, pki).issue_pending() == 0
    assert await store.notices_pending() == [] and await statuses(store) == []
