"""What the demo network's seed gives the conformance kit (axis/directory/network.py,
axis/pki/devpki.py; docs/conformance.md "The demo network"): on every hub three systems to cast
as sender, recipient and third, and a served agency with its own bad certificates, each of which
the signature check refuses with its own code; and a network that never starts on ports a hub
left running still answers (the kit would test that hub instead)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from aiohttp import web
from cryptography import x509

from axis.conformance.target import Target, read_systems
from axis.directory import network
from axis.errors import Rejected
from axis.pki import devpki
from axis.pki.trust import TrustStore
from axis.pki.xmldsig import verify
from tests.pki.conftest import package, sign_with, tree
from tests.support.hubproc import free_port

CODES = {
    "foreign-ca": "5.3.8",
    "expired": "5.3.9",
    "not-yet-valid": "5.3.10",
    "revoked": "5.3.11",
    "wrong-usage": "5.3.12",
    "agency-mismatch": "5.3.13",
}


def test_each_hub_of_the_demo_network_casts_three_systems_and_a_sender_with_bad_certificates(
    tmp_path: Path,
) -> None:
    ports = {"national": 18480, "h47": 18481, "h41": 18482}  # written, never listened on
    asyncio.run(network.seed(tmp_path, ports))
    demo = tmp_path / "demo"
    senders = {}
    for hub, port in ports.items():
        target = Target(
            f"http://127.0.0.1:{port}",
            read_systems(demo / "systems.json", f"http://127.0.0.1:{port}"),
            pki=demo / "pki",
        )
        parties = target.cast()
        assert set(parties) == {"sender", "recipient", "third"}, hub
        assert len({p.system.system_id for p in parties.values()}) == 3, hub
        assert all(p.keys is not None for p in parties.values()), hub
        sender = parties["sender"].agency
        for case in devpki.BAD_CASES:
            found = target.bad_keys(case, sender)
            assert found is not None and found[1] == sender, (hub, case)
        senders[hub] = sender
    assert senders == {"national": "000.00.00.G22", "h47": "000.00.00.H47", "h41": "000.00.00.H41"}
    by_hub: dict[str, list[str]] = {}
    for entry in json.loads((demo / "systems.json").read_text("utf-8")):
        by_hub.setdefault(entry["hub"], []).append(entry["system_id"])
    assert by_hub == {
        "national": ["00.00.G22", "00.00.W00", "00.00.G15"],
        "h47": ["00.47.D01", "00.47.D02", "00.47.D03"],
        "h41": ["00.41.D01", "00.41.D02", "00.41.D03"],
    }


def _revoked_serials(pki: devpki.DevPki, ca: str) -> set[int]:
    crl = x509.load_pem_x509_crl((pki.trust_dir / f"{ca}.crl.pem").read_bytes())
    return {entry.serial_number for entry in crl}


def _serial(paths: devpki.CertPaths) -> int:
    return x509.load_pem_x509_certificate(paths.cert.read_bytes()).serial_number


def test_bad_sets_added_to_an_existing_pki_keep_the_old_revoked_certificate_in_the_crl(
    tmp_path: Path,
) -> None:
    """A var/ seeded before the sets existed gains them on the next `make run`."""
    before = devpki.init(tmp_path, [], key_type="ec")
    old = _serial(before.bad("revoked"))
    assert _revoked_serials(before, "provinces") == {old}
    pki = devpki.init(tmp_path, [], key_type="ec", bad_agencies=network.BAD_CERT_AGENCIES)
    assert pki.bad_agencies == network.BAD_CERT_AGENCIES
    assert _serial(pki.bad("revoked")) == old
    h41 = _serial(pki.bad("revoked", "000.00.00.H41"))
    assert _revoked_serials(pki, "provinces") == {old, h41}
    assert _revoked_serials(pki, "central") == {_serial(pki.bad("revoked", "000.00.00.G22"))}
    again = devpki.init(tmp_path, [], key_type="ec", bad_agencies=network.BAD_CERT_AGENCIES)
    assert _serial(again.bad("revoked", "000.00.00.H41")) == h41  # kept, not reissued


@pytest.fixture(scope="module")
def seeded_pki(tmp_path_factory: pytest.TempPathFactory) -> devpki.DevPki:
    return devpki.init(
        tmp_path_factory.mktemp("pki"), [], key_type="ec", bad_agencies=network.BAD_CERT_AGENCIES
    )


@pytest.mark.parametrize("agency", network.BAD_CERT_AGENCIES)
@pytest.mark.parametrize(("case", "code"), CODES.items())
def test_each_bad_certificate_of_an_agencys_own_set_gets_its_own_code(
    seeded_pki: devpki.DevPki, agency: str, case: str, code: str
) -> None:
    assert seeded_pki.bad_agency(case, agency) == agency
    data = sign_with(seeded_pki.bad(case, agency), package(sender=agency))
    with pytest.raises(Rejected) as caught:
        verify(
            tree(data),
            mode="required",
            trust=TrustStore.load(seeded_pki.trust_dir),
            expected_agency=agency,
        )
    assert caught.value.code.code == code


async def test_the_network_command_refuses_a_port_a_running_hub_still_answers_on(
    aiohttp_server, tmp_path: Path
) -> None:
    """A stale hub's /healthz must not pass for the new national hub's."""

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    port = free_port()
    await aiohttp_server(app, host="127.0.0.1", port=port)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "axis", "serve", "--demo", "--network",
        "--data-dir", str(tmp_path / "net"), "--listen", f"127.0.0.1:{port}",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(process.communicate(), 90)
    text = out.decode("utf-8", "replace")
    assert process.returncode == 2, text
    assert f"port {port} for hub national is in use" in text
    assert "axis demo network" not in text and not (tmp_path / "net").exists()
