"""Signing and verifying: a good signature verifies, every kind of tampering gets its 5.3.x."""

from __future__ import annotations

import base64
import re

import pytest
from lxml import etree

from axis.edxml.trace import append_trace
from axis.errors import Rejected
from axis.pki.devpki import DevPki
from axis.pki.profile import DS
from axis.pki.trust import TrustStore
from axis.pki.xmldsig import verify

from .conftest import SENDER, package, sign_with, tree


def _verify(data: bytes, trust: TrustStore, **kwargs: object):
    return verify(tree(data), mode="required", trust=trust, expected_agency=SENDER, **kwargs)


def _code(data: bytes, trust: TrustStore, **kwargs: object) -> str:
    with pytest.raises(Rejected) as caught:
        _verify(data, trust, **kwargs)
    return caught.value.code.code


@pytest.mark.parametrize("key_type", ["rsa", "ec"])
def test_package_signed_with_an_agency_key_verifies(
    key_type: str, pki: DevPki, pki_ec: DevPki
) -> None:
    chosen = pki if key_type == "rsa" else pki_ec
    data = sign_with(chosen.agency(SENDER), package())
    verdict = _verify(data, TrustStore.load(chosen.trust_dir))
    assert (verdict.kind, verdict.signer_agency, verdict.legacy) == ("verified", SENDER, False)
    assert "MCQ:000.00.00.H47" in verdict.signer
    assert verdict.findings == ()


def test_signing_inserts_the_signature_and_keeps_every_other_byte(signed: bytes) -> None:
    original = package()
    start, end = signed.index(b"<ds:Signature"), signed.index(b"</ds:Signature>") + 15
    unsigned = signed[:start] + signed[end:]
    assert signed[end:].lstrip().startswith(b"</edXML:edXMLHeader>")
    # Same template, different random attachment: compare everything up to the attachment.
    cut = unsigned.index(b"<ContentTransferEncoded>")
    assert unsigned[:cut] == original[:cut]


def test_verification_leaves_the_tree_unmodified(signed: bytes, trust: TrustStore) -> None:
    root = tree(signed)
    before = etree.tostring(root, method="c14n")
    verify(root, mode="required", trust=trust, expected_agency=SENDER)
    assert etree.tostring(root, method="c14n") == before


@pytest.mark.parametrize(
    "needle",
    ["<edXML:OrganId>000.00.00.H47</edXML:OrganId></edXML:From>", "chữ ký số", "cid:1"],
    ids=["from-organ-id", "subject", "attachment-content-id"],
)
def test_changing_signed_content_is_a_digest_mismatch_5_3_2(
    needle: str, signed: bytes, trust: TrustStore
) -> None:
    raw = needle.encode()
    changed = raw.replace(b"H47", b"H48").replace("số".encode(), b"so").replace(b":1", b":2")
    assert changed != raw and raw in signed
    assert _code(signed.replace(raw, changed, 1), trust) == "5.3.2"


def test_changing_the_attachment_base64_is_a_digest_mismatch_5_3_2(
    signed: bytes, trust: TrustStore
) -> None:
    at = signed.index(b"<ContentTransferEncoded>") + 40
    flipped = b"B" if signed[at : at + 1] != b"B" else b"C"
    assert _code(signed[:at] + flipped + signed[at + 1 :], trust) == "5.3.2"


def test_changing_the_signature_value_is_5_3_3(signed: bytes, trust: TrustStore) -> None:
    at = signed.index(b"<ds:SignatureValue>") + 30
    flipped = b"B" if signed[at : at + 1] != b"B" else b"C"
    assert _code(signed[:at] + flipped + signed[at + 1 :], trust) == "5.3.3"


def test_a_hop_trace_appended_after_signing_still_verifies(
    signed: bytes, trust: TrustStore
) -> None:
    hopped = append_trace(signed, "000.00.00.G22", "2026/11/20 08:05:00")
    assert hopped.count(b"<edXML:TraceHeader>") == 2
    assert _verify(hopped, trust).kind == "verified"


def test_a_hop_trace_inserted_with_whitespace_still_verifies(
    signed: bytes, trust: TrustStore
) -> None:
    end = signed.rindex(b"</edXML:TraceHeader>") + len(b"</edXML:TraceHeader>")
    hop = (
        b"\n        <edXML:TraceHeader><edXML:OrganId>00.47.W00</edXML:OrganId>"
        b"<edXML:Timestamp>2026/11/20 08:05:00</edXML:Timestamp></edXML:TraceHeader>"
    )
    assert _verify(signed[:end] + hop + signed[end:], trust).kind == "verified"


def test_after_a_hop_changing_any_other_byte_is_still_5_3_2(
    signed: bytes, trust: TrustStore
) -> None:
    hopped = append_trace(signed, "000.00.00.G22", "2026/11/20 08:05:00")
    tampered = hopped.replace(b"<edXML:BussinessDocType>0<", b"<edXML:BussinessDocType>1<")
    assert _code(tampered, trust) == "5.3.2"


def _signature_bytes(data: bytes) -> tuple[int, int]:
    return data.index(b"<ds:Signature"), data.index(b"</ds:Signature>") + len(b"</ds:Signature>")


def test_a_signature_moved_out_of_the_header_is_5_3_7(signed: bytes, trust: TrustStore) -> None:
    start, end = _signature_bytes(signed)
    without = signed[:start] + signed[end:]
    at = without.index(b"</edXML:edXMLBody>")
    assert _code(without[:at] + signed[start:end] + without[at:], trust) == "5.3.7"


def test_a_second_signature_is_5_3_7(signed: bytes, trust: TrustStore) -> None:
    start, end = _signature_bytes(signed)
    assert _code(signed[:end] + signed[start:end] + signed[end:], trust) == "5.3.7"


def test_a_wrapped_copy_of_the_signed_envelope_is_5_3_7(signed: bytes, trust: TrustStore) -> None:
    start = signed.index(b"<edXML:edXMLEnvelope")
    end = signed.index(b"</edXML:edXMLEnvelope>") + len(b"</edXML:edXMLEnvelope>")
    at = signed.index(b"</Attachment>")
    wrapped = signed[:at] + b"<Wrapper>" + signed[start:end] + b"</Wrapper>" + signed[at:]
    assert _code(wrapped, trust) == "5.3.7"


def test_a_reference_to_an_element_id_is_5_3_7(signed: bytes, trust: TrustStore) -> None:
    pointed = signed.replace(b'<ds:Reference URI="">', b'<ds:Reference URI="#x">')
    pointed = pointed.replace(b"<edXML:edXMLBody>", b'<edXML:edXMLBody Id="x">')
    assert _code(pointed, trust) == "5.3.7"


def test_an_xpath_filter_other_than_the_trace_filter_is_5_3_7(
    signed: bytes, trust: TrustStore
) -> None:
    widened = re.sub(rb'Filter="subtract">[^<]+<', b'Filter="subtract">/edXML:edXML<', signed)
    assert widened != signed
    assert _code(widened, trust) == "5.3.7"


def test_a_certificate_swapped_for_another_agency_is_5_3_3(
    signed: bytes, trust: TrustStore, pki: DevPki
) -> None:
    other = pki.agency("000.00.00.H41").cert.read_text()
    other_b64 = "".join(other.splitlines()[1:-1]).encode()
    swapped = re.sub(
        rb"<ds:X509Certificate>[^<]+<", b"<ds:X509Certificate>" + other_b64 + b"<", signed, count=1
    )
    assert _code(swapped, trust) == "5.3.3"


def test_a_key_value_that_is_not_the_certificates_key_is_5_3_15(
    signed: bytes, trust: TrustStore
) -> None:
    modulus = base64.b64encode(b"\xc3" * 256)
    key_value = (
        b"<ds:KeyValue><ds:RSAKeyValue><ds:Modulus>" + modulus + b"</ds:Modulus>"
        b"<ds:Exponent>AQAB</ds:Exponent></ds:RSAKeyValue></ds:KeyValue>"
    )
    substituted = signed.replace(b"<ds:KeyInfo>", b"<ds:KeyInfo>" + key_value)
    assert _code(substituted, trust) == "5.3.15"


def test_a_missing_certificate_is_5_3_14(signed: bytes, trust: TrustStore) -> None:
    stripped = re.sub(rb"<ds:X509Certificate>[^<]+</ds:X509Certificate>", b"", signed)
    assert _code(stripped, trust) == "5.3.14"


def test_a_certificate_that_does_not_decode_is_5_3_14(signed: bytes, trust: TrustStore) -> None:
    junk = base64.b64encode(b"\x04\x10" + b"not a certificate")
    broken = re.sub(
        rb"<ds:X509Certificate>[^<]+<", b"<ds:X509Certificate>" + junk + b"<", signed, count=1
    )
    assert _code(broken, trust) == "5.3.14"


def test_sha1_is_refused_without_allow_legacy_5_3_5(pki: DevPki, trust: TrustStore) -> None:
    data = sign_with(pki.agency(SENDER), package(), digest="sha1")
    assert _code(data, trust) == "5.3.5"


def test_sha1_is_verified_and_flagged_legacy_when_allowed_2_3_6(
    pki: DevPki, trust: TrustStore
) -> None:
    data = sign_with(pki.agency(SENDER), package(), digest="sha1")
    verdict = _verify(data, trust, allow_legacy=True)
    assert (verdict.kind, verdict.legacy) == ("verified", True)
    assert [f.code for f in verdict.findings] == ["2.3.6"]


def test_an_algorithm_outside_the_allow_list_is_5_3_5(signed: bytes, trust: TrustStore) -> None:
    hmac = signed.replace(
        b"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        b"http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
    )
    assert _code(hmac, trust) == "5.3.5"


def test_without_a_trust_store_a_valid_signature_is_untrusted_5_3_8(signed: bytes) -> None:
    with pytest.raises(Rejected) as caught:
        verify(tree(signed), mode="optional", trust=None)
    assert caught.value.code.code == "5.3.8"


def test_mode_off_skips_without_looking(signed: bytes) -> None:
    broken = signed.replace(b"<ds:SignatureValue>", b"<ds:SignatureValue>AAAA")
    verdict = verify(tree(broken), mode="off", trust=None)
    assert verdict.kind == "skipped"


def test_an_unsigned_package_is_rejected_when_required_5_3_1(trust: TrustStore) -> None:
    with pytest.raises(Rejected) as caught:
        verify(tree(package()), mode="required", trust=trust)
    assert caught.value.code.code == "5.3.1"


def test_an_unsigned_package_is_a_warning_when_optional_2_3_1(trust: TrustStore) -> None:
    verdict = verify(tree(package()), mode="optional", trust=trust)
    assert verdict.kind == "missing"
    assert [f.code for f in verdict.findings] == ["2.3.1"]


def test_signing_refuses_a_package_that_already_has_a_signature(signed: bytes, pki: DevPki) -> None:
    with pytest.raises(Rejected) as caught:
        sign_with(pki.agency(SENDER), signed)
    assert caught.value.code.code == "5.3.7"


def test_the_signature_names_the_trace_filter(signed: bytes) -> None:
    sig = tree(signed).find(f".//{{{DS}}}Signature")
    assert sig is not None
    assert b"xmldsig-filter2" in etree.tostring(sig)
