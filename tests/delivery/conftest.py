"""Fixtures for push delivery: a store on both backends with the demo directory and systems,
documents accepted into it, real push receivers on loopback, a queue manager on a manual clock.

Documents are written with the store's own save_incoming (the intake's last stage): the queue
manager only ever sees stored deliveries, and these tests are about what happens after that.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from axis import config as config_mod
from axis.config import Config, DeliveryConfig
from axis.delivery import Adapter
from axis.delivery.clock import ManualClock, iso
from axis.delivery.http_push import HttpPushAdapter
from axis.delivery.notices import FailureNotices
from axis.delivery.queue import QueueManager
from axis.directory import demo
from axis.store import open_store
from axis.store.base import NewDelivery, NewDocument, Store
from tests.conftest import on_backend
from tests.support.push_receiver import Receiver

SENDER, SENDER_SYSTEM = "000.00.00.G22", "00.00.G22"
RECIPIENT, PUSHED = "000.00.00.H41", "00.41.W00"  # Nghệ An's system receives by push
SECRETS = {system_id: f"test-secret-{system_id}" for system_id in demo.SYSTEMS}
_numbers = itertools.count(1)


@pytest.fixture
def store_cfg(tmp_path: Path, store_backend: str, request: pytest.FixtureRequest) -> Config:
    cfg = config_mod.replace(config_mod.Config(), "hub", data_dir=str(tmp_path))
    return on_backend(cfg, store_backend, request)


@pytest.fixture
async def store(store_cfg: Config) -> AsyncIterator[Store]:
    opened = await open_store(store_cfg)
    await opened.import_agencies(demo.agencies())
    for system_id, (name, _) in demo.SYSTEMS.items():
        await opened.add_system(system_id, SECRETS[system_id], name)
    try:
        yield opened
    finally:
        await opened.close()


def new_document(
    recipient: str = RECIPIENT, route: str = PUSHED, created_at: str | None = None
) -> tuple[NewDocument, list[NewDelivery]]:
    n = next(_numbers)
    data = f"<edXML n='{n}'>{'x' * 200}</edXML>".encode()
    doc = NewDocument(
        id=f"doc-{n:06d}", from_agency=SENDER, system_id=SENDER_SYSTEM, message_type="edoc",
        document_id=f"{SENDER},2026/12/02,{n}/TEST", business_type=0, original_id=None,
        status_code="", sha256=hashlib.sha256(data).hexdigest(), data=data,
        subject=f"Công văn {n}", notation=f"{n}/TEST", findings=(),
        created_at=created_at or iso(ManualClock().now()),
    )  # fmt: skip
    return doc, [NewDelivery(f"dlv-{n:06d}", recipient, "edoc", route)]


async def accept(store: Store, count: int, **kwargs: Any) -> list[str]:
    """``count`` documents accepted for the push recipient; their delivery ids."""
    ids = []
    for _ in range(count):
        doc, deliveries = new_document(**kwargs)
        await store.save_incoming(doc, deliveries)
        ids.extend(d.id for d in deliveries)
    return ids


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    running = await Receiver(PUSHED, SECRETS[PUSHED]).start()
    try:
        yield running
    finally:
        await running.stop()


DELIVERY = DeliveryConfig(
    poll_interval_s=0.01, backoff_s=[10.0, 20.0, 40.0], jitter=0.0, lifetime_s=3600.0,
    circuit_failures=1000, circuit_open_s=60.0, lease_s=30.0,
)  # fmt: skip


def queue_manager(
    store: Store,
    adapters: Mapping[str, Adapter],
    clock: ManualClock,
    notices: FailureNotices | None = None,
    **changes: Any,
) -> QueueManager:
    return QueueManager(
        store, replace(DELIVERY, **changes), adapters, clock, random.Random(7), notices=notices
    )


def http_push(receiver: Receiver, **settings: Any) -> HttpPushAdapter:
    return HttpPushAdapter.from_settings(
        {"system_id": receiver.system_id, "url": receiver.url, "secret": receiver.secret,
         "timeout_s": 10.0, **settings}
    )  # fmt: skip


async def settle(manager: QueueManager) -> int:
    """One round, and wait for what it started; how many started."""
    started = await manager.run_once()
    await manager.drain()
    return started
