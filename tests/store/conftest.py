"""Fixtures for the store suite: an opened store on each backend, and package rows to save."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from axis import config as config_mod
from axis.config import Config
from axis.store import open_store
from axis.store.base import AgencyRow, FileBytes, NewDelivery, NewDocument, Store
from axis.store.sqlite import now
from tests.conftest import on_backend

SENDER, RECIPIENT, SYSTEM = "000.00.00.G22", "000.00.00.H47", "00.47.W00"


@pytest.fixture
def store_cfg(tmp_path: Path, store_backend: str, request: pytest.FixtureRequest) -> Config:
    cfg = config_mod.replace(config_mod.Config(), "hub", data_dir=str(tmp_path))
    return on_backend(cfg, store_backend, request)


@pytest.fixture
async def store(store_cfg: Config) -> AsyncIterator[Store]:
    opened = await open_store(store_cfg)
    await opened.import_agencies(
        [AgencyRow(SENDER, system_id="00.00.G22"), AgencyRow(RECIPIENT, system_id=SYSTEM)]
    )
    await opened.add_system(SYSTEM, "secret")
    try:
        yield opened
    finally:
        await opened.close()


def new_document(data: bytes | FileBytes, sha: str | None = None, **fields: object) -> NewDocument:
    raw = data if isinstance(data, bytes) else data.path.read_bytes()[data.offset :]
    values: dict[str, object] = dict(
        id=str(uuid.uuid4()), from_agency=SENDER, system_id="00.00.G22", message_type="edoc",
        document_id=f"doc-{uuid.uuid4().hex}", business_type=0, original_id=None,
        status_code="", sha256=sha or hashlib.sha256(raw).hexdigest(), data=data,
        subject="s", notation="n", findings=(), created_at=now(),
    )  # fmt: skip
    values.update(fields)
    return NewDocument(**values)  # type: ignore[arg-type]


async def save(store: Store, doc: NewDocument) -> str:
    """Store ``doc`` to RECIPIENT; its delivery id."""
    delivery = NewDelivery(str(uuid.uuid4()), RECIPIENT, doc.message_type)
    await store.save_incoming(doc, [delivery])
    return delivery.id
