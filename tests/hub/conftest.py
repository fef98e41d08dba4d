"""Fixtures for the hub tests: the real app on 127.0.0.1:0, the store, the dev PKI.

Every test that uses ``hub_cfg`` runs on both store backends (tests/conftest.py): SQLite in
tmp_path and PostgreSQL in a fresh schema.

The dev PKI (EC keys, fast) is generated once per session for every demo agency. Each test gets
a fresh store seeded with the demo directory and demo systems under fixed test secrets, and
talks to the hub only through tests/support/vxp_client.py (the independent SDK client).
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from axis import config as config_mod
from axis.api.app import DAEMON, create_app, server_args
from axis.config import Config
from axis.directory import demo
from axis.edxml import build
from axis.edxml.model import (
    Business,
    Code,
    DocumentPackage,
    Organization,
    PromulgationInfo,
    ResponseFor,
    StaffInfo,
    StatusPackage,
)
from axis.pki import devpki
from axis.pki.xmldsig import sign
from axis.store import open_store
from axis.store.base import Store
from tests.conftest import on_backend
from tests.support.vxp_client import VxpClient

# The story's cast (demo directory): A = Government Office, B = Quảng Nam, C = Nghệ An.
A, B, C = "000.00.00.G22", "000.00.00.H47", "000.00.00.H41"
SYSTEM_OF = {A: "00.00.G22", B: "00.47.W00", C: "00.41.W00"}
SECRETS = {system_id: f"test-secret-{system_id}" for system_id in demo.SYSTEMS}
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> devpki.DevPki:
    agencies = [(row.id, row.name) for row in demo.agencies()]
    return devpki.init(tmp_path_factory.mktemp("pki"), agencies, key_type="ec")


def hub_config(tmp_path: Path, pki: devpki.DevPki) -> Config:
    """The tests' hub config on SQLite (tests that build their own config call this)."""
    cfg = config_mod.Config()
    cfg = config_mod.replace(cfg, "hub", data_dir=str(tmp_path), key_dir=str(pki.directory / "hub"))
    cfg = config_mod.replace(cfg, "signature", trust_dir=str(pki.trust_dir))
    # 512 KiB: above the largest sample (~370 KB), low enough to test the limit cheaply.
    return config_mod.replace(cfg, "intake", max_body_bytes=512 * 1024)


@pytest.fixture
def hub_cfg(
    tmp_path: Path, pki: devpki.DevPki, store_backend: str, request: pytest.FixtureRequest
) -> Config:
    return on_backend(hub_config(tmp_path, pki), store_backend, request)


async def seed(cfg: Config) -> None:
    """The demo directory and systems with the fixed test secrets."""
    store = await open_store(cfg)
    try:
        await store.import_agencies(demo.agencies())
        for system_id, (name, _) in demo.SYSTEMS.items():
            await store.add_system(system_id, SECRETS[system_id], name)
    finally:
        await store.close()


@dataclass
class RunningHub:
    endpoint: str
    app: object
    session: aiohttp.ClientSession

    @property
    def store(self) -> Store:
        return self.app[DAEMON].store  # type: ignore[index, attr-defined]

    def client(self, agency_or_system: str, secret: str | None = None) -> VxpClient:
        system_id = SYSTEM_OF.get(agency_or_system, agency_or_system)
        return VxpClient(
            self.endpoint, system_id, secret or SECRETS[system_id], session=self.session
        )


@pytest.fixture
async def hub(aiohttp_server, hub_cfg: Config) -> AsyncIterator[RunningHub]:
    await seed(hub_cfg)
    app = create_app(hub_cfg)
    server = await aiohttp_server(app, **server_args(hub_cfg))
    async with aiohttp.ClientSession() as session:
        yield RunningHub(str(server.make_url("")).rstrip("/"), app, session)


def signed(pki: devpki.DevPki, agency: str, data: bytes) -> bytes:
    paths = pki.agency(agency)
    chain = paths.chain.read_bytes() if paths.chain.exists() else b""
    return sign(data, paths.key.read_bytes(), paths.cert.read_bytes(), chain_pem=chain)


def document(
    sender: str,
    recipients: tuple[str, ...],
    *,
    document_id: str | None = None,
    doc_type: int = 0,
    original: str = "",
) -> DocumentPackage:
    number = next(_numbers)
    notation = f"{number}/TEST"
    business = Business(doc_type=doc_type, reason="test", document_id=original, paper="0")
    return DocumentPackage(
        sender=Organization(organ_id=sender, organ_name="Sender"),
        recipients=tuple(Organization(organ_id=r, organ_name="Recipient") for r in recipients),
        document_id=document_id or f"{sender},2026/11/23,{notation}",
        code=Code(code_number=str(number), code_notation="TEST"),
        promulgation=PromulgationInfo(place="Hà Nội", promulgation_date="2026/11/23"),
        subject=f"Công văn thử nghiệm số {number}",
        business=business,
    )


def status(reporter: str, original: DocumentPackage, code: str) -> StatusPackage:
    return StatusPackage(
        sender=Organization(organ_id=reporter, organ_name="Reporter"),
        response_for=ResponseFor(
            organ_id=original.sender.organ_id,
            code=f"{original.code.code_number}/{original.code.code_notation}",
            promulgation_date=original.promulgation.promulgation_date,
            document_id=original.document_id,
        ),
        staff=StaffInfo(department="Văn thư", staff="Nguyễn Văn A"),
        status_code=code,
        description=f"status {code}",
        timestamp="2026/11/23 10:00:00",
    )


def package_bytes(pki: devpki.DevPki, pkg: DocumentPackage | StatusPackage) -> bytes:
    return signed(pki, pkg.sender.organ_id, build(pkg))
