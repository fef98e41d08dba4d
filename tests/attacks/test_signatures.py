"""Signature attacks against a strict hub: every forgery is refused with its 5.3.x code.

The hub runs the strict policy (signature required, docs/domain.md §4): a proper XMLDSig whose one
Reference (URI="") covers the whole package, signed by a certificate that chains to the dev
PKI's root, is valid at signing time, is not revoked and names the From agency. Each test first
builds a correctly signed package (which the strict hub accepts: see the control test), then
tampers with it the way a wrapping, downgrade or substitution attack would.

Where an attack changes the package's structure (a signature or envelope in a place the edXML
schema does not allow), the schema stage, which runs before the signature stage, refuses it
first with 5.4.1; each such test has a twin that stays schema-valid and so reaches the
signature check and its 5.3.x code.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from axis import config as config_mod
from axis.config import Config
from axis.edxml import build
from axis.pki import devpki
from axis.pki.devpki import CertPaths
from axis.pki.xmldsig import sign
from tests.attacks.helpers import refused, send_raw
from tests.hub.conftest import A, B, C, document, hub_config

ENVELOPE_OPEN, ENVELOPE_CLOSE = b"<edXML:edXMLEnvelope", b"</edXML:edXMLEnvelope>"


@pytest.fixture
def hub_cfg(tmp_path: Path, pki: devpki.DevPki) -> Config:
    """The hub tests' config under the strict policy (signature required)."""
    lenient = hub_config(tmp_path, pki)
    return config_mod.replace(lenient, "intake", policy="strict")


def _sign(paths: CertPaths, data: bytes, digest: str = "sha256") -> bytes:
    chain = paths.chain.read_bytes() if paths.chain.exists() else b""
    return sign(
        data, paths.key.read_bytes(), paths.cert.read_bytes(), chain_pem=chain, digest=digest
    )


def _signed(pki: devpki.DevPki, sender: str = A, to: str = B) -> bytes:
    return _sign(pki.agency(sender), build(document(sender, (to,))))


def _span(data: bytes, start: bytes, end: bytes) -> tuple[int, int]:
    first = data.index(start)
    return first, data.index(end, first) + len(end)


async def test_a_correctly_signed_package_is_accepted_by_the_strict_hub(hub, pki) -> None:
    _, payload = await send_raw(hub.client(A), _signed(pki), A)
    assert (payload["status"], payload["code"]) == ("OK", "2.0.0"), payload
    assert await hub.store.count_documents() == 1


async def test_an_unsigned_package_is_refused_5_3_1(hub) -> None:
    await refused(hub, build(document(A, (B,))), A, "5.3.1")


async def test_the_signature_moved_into_the_body_is_refused_by_the_schema_5_4_1(hub, pki) -> None:
    data = _signed(pki)
    start, end = _span(data, b"<ds:Signature", b"</ds:Signature>")
    without = data[:start] + data[end:]
    at = without.index(b"</edXML:edXMLBody>")
    await refused(hub, without[:at] + data[start:end] + without[at:], A, "5.4.1")


async def test_the_signature_moved_inside_a_schema_valid_wrapper_is_refused_5_3_7(hub, pki) -> None:
    # edXML:Signature (the decorative kind, docs/domain.md §4) takes any content, so the schema
    # passes it; the signature stage must still see the XMLDSig is not where it belongs.
    data = _signed(pki)
    start, end = _span(data, b"<ds:Signature", b"</ds:Signature>")
    wrapped = b"<edXML:Signature>" + data[start:end] + b"</edXML:Signature>"
    await refused(hub, data[:start] + wrapped + data[end:], A, "5.3.7")


async def test_a_duplicated_signature_is_refused_5_3_7(hub, pki) -> None:
    data = _signed(pki)
    start, end = _span(data, b"<ds:Signature", b"</ds:Signature>")
    await refused(hub, data[:end] + data[start:end] + data[end:], A, "5.3.7")


async def test_a_duplicated_signed_envelope_with_forged_recipients_is_refused_5_4_16(
    hub, pki
) -> None:
    # two MessageHeaders: refused as ambiguous (parse) before the schema would refuse it
    data = _signed(pki)
    start, end = _span(data, ENVELOPE_OPEN, ENVELOPE_CLOSE)
    forged = data[start:end].replace(f">{B}<".encode(), f">{C}<".encode())
    await refused(hub, data[:start] + forged + data[start:], A, "5.4.16")


async def test_a_duplicated_signed_recipient_pointing_elsewhere_is_refused_5_3_2(hub, pki) -> None:
    data = _signed(pki)
    start, end = _span(data, b"<edXML:To>", b"</edXML:To>")
    forged = data[start:end].replace(f">{B}<".encode(), f">{C}<".encode())
    await refused(hub, data[:end] + forged + data[end:], A, "5.3.2")


async def test_the_signed_envelope_shadowed_by_a_forged_one_is_refused_5_4_16(hub, pki) -> None:
    # Classic wrapping: the genuine signed envelope hides inside an attachment wrapper while a
    # forged envelope (same signature, other recipient) takes its place.
    data = _signed(pki)
    start, end = _span(data, ENVELOPE_OPEN, ENVELOPE_CLOSE)
    genuine = data[start:end]
    forged = genuine.replace(f">{B}<".encode(), f">{C}<".encode())
    shadowed = data[:start] + forged + data[end:]
    at = shadowed.index(b"</edXML>")
    shadowed = shadowed[:at] + b"<Wrapper>" + genuine + b"</Wrapper>" + shadowed[at:]
    await refused(hub, shadowed, A, "5.4.16")  # two MessageHeaders, before the schema


async def test_a_forged_recipient_in_place_of_the_signed_one_is_refused_5_3_2(hub, pki) -> None:
    data = _signed(pki)
    start, end = _span(data, b"<edXML:To>", b"</edXML:To>")
    forged = data[start:end].replace(f">{B}<".encode(), f">{C}<".encode())
    await refused(hub, data[:start] + forged + data[end:], A, "5.3.2")


async def test_a_signature_over_an_element_with_an_id_is_refused_by_the_schema_5_4_1(
    hub, pki
) -> None:
    data = _signed(pki).replace(b'<ds:Reference URI="">', b'<ds:Reference URI="#body">')
    data = data.replace(b"<edXML:edXMLBody>", b'<edXML:edXMLBody Id="body">')
    await refused(hub, data, A, "5.4.1")


async def test_a_signature_over_another_part_by_uri_is_refused_5_3_7(hub, pki) -> None:
    data = _signed(pki).replace(b'<ds:Reference URI="">', b'<ds:Reference URI="#body">')
    await refused(hub, data, A, "5.3.7")


async def test_a_certificate_substituted_for_another_agencys_is_refused_5_3_3(hub, pki) -> None:
    other = pki.agency(C).cert.read_text()
    other_b64 = "".join(other.splitlines()[1:-1]).encode()
    data = re.sub(
        rb"<ds:X509Certificate>[^<]+<",
        b"<ds:X509Certificate>" + other_b64 + b"<",
        _signed(pki),
        count=1,
    )
    await refused(hub, data, A, "5.3.3")


async def test_a_key_value_that_is_not_the_certificates_key_is_refused_5_3_15(hub, pki) -> None:
    modulus = base64.b64encode(b"\xc3" * 256)
    key_value = (
        b"<ds:KeyValue><ds:RSAKeyValue><ds:Modulus>" + modulus + b"</ds:Modulus>"
        b"<ds:Exponent>AQAB</ds:Exponent></ds:RSAKeyValue></ds:KeyValue>"
    )
    data = _signed(pki).replace(b"<ds:KeyInfo>", b"<ds:KeyInfo>" + key_value)
    await refused(hub, data, A, "5.3.15")


async def test_a_sha1_signature_when_legacy_is_not_allowed_is_refused_5_3_5(hub, pki) -> None:
    data = _sign(pki.agency(A), build(document(A, (B,))), digest="sha1")
    await refused(hub, data, A, "5.3.5")


@pytest.mark.parametrize(
    ("case", "code"),
    [("expired", "5.3.9"), ("revoked", "5.3.11"), ("foreign-ca", "5.3.8")],
)
async def test_a_bad_signer_certificate_is_refused_with_its_code(
    hub, pki, case: str, code: str
) -> None:
    sender = pki.bad_agency(case)
    data = _sign(pki.bad(case), build(document(sender, (A,))))
    await refused(hub, data, sender, code)


async def test_a_package_signed_by_another_agencys_certificate_is_refused_5_3_13(hub, pki) -> None:
    data = _sign(pki.agency(C), build(document(A, (B,))))
    await refused(hub, data, A, "5.3.13")
