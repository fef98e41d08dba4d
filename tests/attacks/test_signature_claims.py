"""A signature that can be checked and fails is a failure, also under the lenient policy.

The lenient hub (signature optional) accepts a decorative placeholder with a warning (2.3.4).
A checkable XMLDSig signature (XMLDSig namespace, a SignatureValue and a usable certificate or
key) is never recognised as one, whatever else it carries: not with a truncated certificate
appended, nor with the SignatureValue copied across the real samples (docs/security.md).
"""

from __future__ import annotations

import re

import pytest

from axis.pki.placeholder import COPIED_VALUES
from tests.attacks.helpers import assert_nothing_stored, send_raw
from tests.hub.conftest import A, B, document, package_bytes
from tests.support.samples import SAMPLES

TRUNCATED = b"<ds:X509Certificate>MIIFqTCCBJG</ds:X509Certificate>"


def _copied_value() -> bytes:
    sample = (SAMPLES / "edoc.edxml").read_bytes()
    value = re.search(rb"<SignatureValue>([^<]+)</SignatureValue>", sample)
    assert value is not None
    return value[1]


def _tampered(data: bytes) -> bytes:
    """Change the signed content (the Subject) after signing."""
    return data.replace("Công văn thử nghiệm".encode(), "Công văn GIẢ MẠO".encode(), 1)


def _truncated_after_the_real(data: bytes) -> bytes:
    return data.replace(b"</ds:X509Data>", TRUNCATED + b"</ds:X509Data>", 1)


def _truncated_before_the_real(data: bytes) -> bytes:
    return data.replace(b"<ds:X509Data>", b"<ds:X509Data>" + TRUNCATED, 1)


def _truncated_in_its_own_x509data(data: bytes) -> bytes:
    extra = b"<ds:X509Data>" + TRUNCATED + b"</ds:X509Data>"
    return data.replace(b"</ds:KeyInfo>", extra + b"</ds:KeyInfo>", 1)


def _copied_value_instead(data: bytes) -> bytes:
    return re.sub(
        rb"<ds:SignatureValue>[^<]+</ds:SignatureValue>",
        b"<ds:SignatureValue>" + _copied_value() + b"</ds:SignatureValue>",
        data,
        count=1,
    )


FORGERIES = {
    "content changed, truncated certificate appended": lambda d: _truncated_after_the_real(
        _tampered(d)
    ),
    "content changed, truncated certificate first": lambda d: _truncated_before_the_real(
        _tampered(d)
    ),
    "content changed, truncated certificate in another X509Data": lambda d: (
        _truncated_in_its_own_x509data(_tampered(d))
    ),
    "copied SignatureValue with the signer's real certificate": _copied_value_instead,
}


def test_the_copied_value_is_the_one_the_placeholder_list_knows() -> None:
    import base64
    import hashlib

    digest = hashlib.sha256(base64.b64decode(b"".join(_copied_value().split()))).hexdigest()
    assert digest in COPIED_VALUES


@pytest.mark.parametrize("case", sorted(FORGERIES))
async def test_a_checkable_signature_that_fails_is_refused_under_lenient(hub, pki, case) -> None:
    data = FORGERIES[case](package_bytes(pki, document(A, (B,))))
    status, payload = await send_raw(hub.client(A), data, A)
    assert payload["status"] == "FAIL", payload
    assert payload["ErrorCode"].startswith("5.3."), payload
    assert payload["ErrorCode"] != "5.3.4", payload  # never "a placeholder"
    assert 400 <= status < 500
    await assert_nothing_stored(hub, 0)


async def test_a_good_signature_with_a_truncated_certificate_is_a_bad_chain_not_a_placeholder(
    hub, pki
) -> None:
    data = _truncated_in_its_own_x509data(package_bytes(pki, document(A, (B,))))
    status, payload = await send_raw(hub.client(A), data, A)
    assert (status, payload["ErrorCode"]) == (400, "5.3.14"), payload
