"""The push signature (docs/api.md "Push"): what an endpoint accepts and what it refuses."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from axis.delivery.signing import PushRefused, check_body, sign_push, verify_push

BODY = b"<edXML>...</edXML>"
PARAMS = {
    "systemid": "00.47.Q08", "docid": "dlv-1", "to": "000.00.08.H47", "messagetype": "edoc",
    "attempt": "1", "hash-file": hashlib.sha256(BODY).hexdigest(),
}  # fmt: skip
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def raw(headers: dict[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple((k.encode(), v.encode()) for k, v in headers.items())


def test_a_signed_push_verifies_and_its_body_matches() -> None:
    headers = sign_push("s3cret", PARAMS, NOW)
    params = verify_push(raw(headers), "00.47.Q08", "s3cret", NOW + timedelta(seconds=30))
    assert params["docid"] == "dlv-1" and params["to"] == "000.00.08.H47"
    check_body(params, BODY)
    with pytest.raises(PushRefused) as wrong_body:
        check_body(params, BODY + b" ")
    assert wrong_body.value.status == 400


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda h: h.update({"XroadVnpt-hash-header": "0" * 64}), "HMAC"),
        (lambda h: h.update({"XroadVnpt-docid": "dlv-2"}), "5.8.5"),  # differs from signed
        (lambda h: h.pop("XroadVnpt-sign-header"), "missing"),
    ],
)
def test_a_tampered_push_is_refused_401(change, why: str) -> None:
    headers = sign_push("s3cret", PARAMS, NOW)
    change(headers)
    with pytest.raises(PushRefused) as refused:
        verify_push(raw(headers), "00.47.Q08", "s3cret", NOW)
    assert refused.value.status == 401 and why in str(refused.value)


def test_another_secret_another_system_or_an_old_timestamp_is_refused() -> None:
    headers = raw(sign_push("s3cret", PARAMS, NOW))
    for system, secret, now in (
        ("00.47.Q08", "other", NOW),
        ("00.47.Q12", "s3cret", NOW),
        ("00.47.Q08", "s3cret", NOW + timedelta(minutes=6)),
    ):
        with pytest.raises(PushRefused) as refused:
            verify_push(headers, system, secret, now)
        assert refused.value.status == 401
