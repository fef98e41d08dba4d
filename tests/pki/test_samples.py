"""The real VNPT samples (docs/domain.md §4): their signatures are placeholders, statuses have none."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from axis.errors import Rejected
from axis.pki.trust import TrustStore
from axis.pki.xmldsig import verify
from tests.support.samples import SAMPLES

from .conftest import tree

EDOCS = ["edoc_new.edxml", "edoc_replacement.edxml", "edoc_revocation.edxml", "edoc_update.edxml"]
STATUSES = sorted(p.name for p in SAMPLES.glob("status*.edxml"))


def _load(name: str) -> etree._Element:
    data = (SAMPLES / name).read_bytes()
    if data.startswith(b"1212"):  # edoc_new.edxml: 4 stray bytes before <?xml (docs/domain.md §3)
        data = data[4:]
    return tree(data)


def _load_recovering(name: str) -> etree._Element:
    # edoc.edxml uses undeclared prefixes (not well-formed); recover only to reach its Signature.
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    return etree.fromstring(Path(SAMPLES / name).read_bytes(), parser)


def test_the_samples_are_where_the_tests_expect_them() -> None:
    assert len(STATUSES) == 10
    assert all((SAMPLES / name).is_file() for name in EDOCS)


@pytest.mark.parametrize("name", EDOCS)
def test_a_sample_signature_is_a_placeholder_refused_when_required_5_3_4(
    name: str, trust: TrustStore
) -> None:
    with pytest.raises(Rejected) as caught:
        verify(_load(name), mode="required", trust=trust)
    assert caught.value.code.code == "5.3.4"
    assert "namespace" in caught.value.detail


@pytest.mark.parametrize("name", EDOCS)
def test_a_sample_signature_is_a_placeholder_warning_when_optional_2_3_4(
    name: str, trust: TrustStore
) -> None:
    verdict = verify(_load(name), mode="optional", trust=trust)
    assert verdict.kind == "placeholder"
    assert [f.code for f in verdict.findings] == ["2.3.4"]


def test_the_copied_value_is_a_placeholder_even_beside_a_real_certificate(
    trust: TrustStore,
) -> None:
    # edoc.edxml: XMLDSig namespace, the copied SignatureValue, a real VNPT-CA certificate (the
    # vendor SDK's own example). The value is a known non-signature, so the package proves
    # nothing (docs/decisions.md "A checkable signature is never a placeholder"): a warning
    # under optional, 5.3.4 under required. A value that is not the copied one is verified on
    # its merits (test_a_real_certificate_with_a_value_that_fails_is_a_failure_not_a_placeholder).
    root = _load_recovering("edoc.edxml")
    verdict = verify(root, mode="optional", trust=trust)
    assert verdict.kind == "placeholder"
    assert "copied" in verdict.findings[0].detail
    with pytest.raises(Rejected) as refused:
        verify(root, mode="required", trust=trust)
    assert refused.value.code.code == "5.3.4"


def test_the_copied_value_without_a_usable_key_is_still_a_placeholder(trust: TrustStore) -> None:
    root = _load_recovering("edoc.edxml")
    for key_info in root.iter("{http://www.w3.org/2000/09/xmldsig#}KeyInfo"):
        key_info.getparent().remove(key_info)
    verdict = verify(root, mode="optional", trust=trust)
    assert verdict.kind == "placeholder"
    assert "copied" in verdict.findings[0].detail


def test_a_truncated_certificate_makes_an_xmldsig_signature_a_placeholder(
    trust: TrustStore,
) -> None:
    data = (SAMPLES / "edoc_update.edxml").read_bytes()
    # Put the sample's block in the XMLDSig namespace with a fresh value: only the truncated
    # certificate (MIIFqTCCBJG) is left to tell it is decorative.
    data = data.replace(b"<Signature>", b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">')
    data = data.replace(b"<SignatureValue>GbVb8n9", b"<SignatureValue>AbVb8n9")
    with pytest.raises(Rejected) as caught:
        verify(tree(data), mode="required", trust=trust)
    assert caught.value.code.code == "5.3.4"
    assert "truncated" in caught.value.detail


@pytest.mark.parametrize("name", STATUSES)
def test_a_status_sample_has_no_signature_refused_when_required_5_3_1(
    name: str, trust: TrustStore
) -> None:
    with pytest.raises(Rejected) as caught:
        verify(_load(name), mode="required", trust=trust)
    assert caught.value.code.code == "5.3.1"


@pytest.mark.parametrize("name", STATUSES)
def test_a_status_sample_has_no_signature_a_warning_when_optional_2_3_1(
    name: str, trust: TrustStore
) -> None:
    verdict = verify(_load(name), mode="optional", trust=trust)
    assert verdict.kind == "missing"
    assert [f.code for f in verdict.findings] == ["2.3.1"]


def test_a_real_certificate_with_a_value_that_fails_is_a_failure_not_a_placeholder(
    trust: TrustStore,
) -> None:
    root = _load_recovering("edoc.edxml")
    value = root.find(".//{http://www.w3.org/2000/09/xmldsig#}SignatureValue")
    assert value is not None and value.text
    value.text = "A" + value.text[1:]  # no longer the copied value: a signature that fails
    with pytest.raises(Rejected) as refused:
        verify(root, mode="optional", trust=trust)
    assert refused.value.code.code == "5.3.5"  # rsa-sha1 without allow_legacy
    with pytest.raises(Rejected) as failed:
        verify(root, mode="optional", trust=trust, allow_legacy=True)
    assert failed.value.code.code in ("5.3.2", "5.3.3")
