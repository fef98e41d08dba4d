"""Signed values are the values acted on (docs/security.md, Authentication and signed values).

sign-header-key is outside the HMAC, so it cannot decide what is checked: a parameter header
that differs from the signed JSON, is left out of it, or comes twice is refused 5.8.5, and the
operation is never run with an unsigned value. The real SDK's recorded requests still pass.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest

from axis import config as config_mod
from tests.attacks.helpers import assert_fail, send_raw
from tests.hub.conftest import A, B, document, package_bytes
from tests.support.vxp_client import PREFIX

# Requests recorded from the real VXP SDK 2.0.1 (system 00.47.W00, secret s3cr3t).
SDK_WIRE = Path(__file__).resolve().parents[1] / "data" / "sdk-wire"


async def _delivery_to_b(hub, pki) -> str:
    _, sent = await send_raw(hub.client(A), package_bytes(pki, document(A, (B,))), A)
    assert sent["status"] == "OK", sent
    return str((await hub.client(B).get_received_list())["data"][0]["docId"])


def _resign(headers: dict[str, str], secret: str, signed: dict[str, str], key: str) -> None:
    """Re-sign ``signed`` properly (a valid HMAC) and list ``key`` as sign-header-key."""
    sign_header = json.dumps(signed, separators=(",", ":"))
    headers[PREFIX + "sign-header"] = sign_header
    headers[PREFIX + "sign-header-key"] = key
    headers[PREFIX + "hash-header"] = hmac.new(
        secret.encode(), sign_header.encode(), hashlib.sha256
    ).hexdigest()


async def _post(hub, operation: str, headers, body: bytes = b"{}") -> tuple[int, dict]:
    async with hub.session.post(f"{hub.endpoint}/{operation}", data=body, headers=headers) as r:
        return r.status, await r.json(content_type=None)


async def _state(hub, delivery_id: str) -> str:
    row = await hub.store.get_delivery(delivery_id)
    assert row is not None
    return row.state


async def test_a_header_value_that_differs_from_the_signed_one_is_not_acted_on(hub, pki) -> None:
    delivery = await _delivery_to_b(hub, pki)
    client = hub.client(B)
    headers = client.signed_headers({"docid": delivery, "status": "fail"}, "application/json")
    signed = json.loads(headers[PREFIX + "sign-header"])
    headers[PREFIX + "status"] = "done"  # the header says done; the signature says fail
    _resign(headers, client.secret, signed, "systemid;docid;timestamp;Content-Type")
    assert_fail(await _post(hub, "updateStatus", headers), "5.8.5")
    assert await _state(hub, delivery) == "queued"


async def test_a_parameter_left_out_of_the_signed_set_is_refused(hub, pki) -> None:
    delivery = await _delivery_to_b(hub, pki)
    client = hub.client(B)
    headers = client.signed_headers({"docid": delivery}, "application/json")
    headers[PREFIX + "status"] = "done"  # never signed at all
    assert_fail(await _post(hub, "updateStatus", headers), "5.8.5")
    assert await _state(hub, delivery) == "queued"


async def test_a_required_name_dropped_from_the_signature_is_refused(hub, pki) -> None:
    delivery = await _delivery_to_b(hub, pki)
    client = hub.client(B)
    headers = client.signed_headers({"docId": delivery}, "application/json")
    signed = json.loads(headers[PREFIX + "sign-header"])
    del signed[PREFIX + "docId"]
    _resign(headers, client.secret, signed, "systemid;timestamp;Content-Type")
    assert_fail(await _post(hub, "getEdoc", headers), "5.8.5")


@pytest.mark.parametrize("listed", ["systemid;timestamp", "systemid;timestamp;Content-Type;x"])
async def test_sign_header_key_must_list_exactly_the_signed_names(hub, listed) -> None:
    client = hub.client(B)
    headers = client.signed_headers({"messagetype": "edoc"}, "application/json")
    headers[PREFIX + "sign-header-key"] = listed
    assert_fail(await _post(hub, "getReceivedEdocList", headers), "5.8.5")


async def test_a_parameter_sent_twice_is_refused(hub, pki) -> None:
    delivery = await _delivery_to_b(hub, pki)
    headers = list(
        hub.client(B)
        .signed_headers({"docid": delivery, "status": "fail"}, "application/json")
        .items()
    )
    headers.append((PREFIX + "status", "done"))
    assert_fail(await _post(hub, "updateStatus", headers), "5.8.5")
    assert await _state(hub, delivery) == "queued"


@pytest.fixture
def hub_cfg(hub_cfg):
    # The recordings carry their own (past) UTC timestamps: accept them for this module.
    return config_mod.replace(hub_cfg, "auth", timezone="UTC", timestamp_window_s=10**9)


def _recorded(path: Path) -> tuple[str, list[tuple[str, str]], bytes]:
    head, _, body = path.read_bytes().partition(b"\r\n\r\n")
    lines = head.decode("utf-8").split("\r\n")
    operation = lines[0].split()[1].lstrip("/")
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]]
    skip = {"host", "content-length", "connection", "expect", "accept-encoding"}
    return operation, [(k, v) for k, v in headers if k.lower() not in skip], body  # type: ignore[misc]


async def test_every_recorded_sdk_request_passes_authentication(hub) -> None:
    await hub.store.set_secret("00.47.W00", "s3cr3t")
    recorded = sorted(SDK_WIRE.glob("*.http"))
    assert len(recorded) == 10
    for path in recorded:
        operation, headers, body = _recorded(path)
        _status, payload = await _post(hub, operation, headers, body)
        assert not payload["ErrorCode"].startswith("5.8."), (path.name, payload)
