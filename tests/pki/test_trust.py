"""Certificate checks: each bad dev-PKI case gets its own code, end to end through verify()."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509

from axis.errors import Rejected
from axis.pki.agency_cert import agency_of
from axis.pki.devpki import DevPki
from axis.pki.trust import TrustStore
from axis.pki.xmldsig import verify

from .conftest import SENDER, package, sign_with, tree

CASES = {
    "foreign-ca": "5.3.8",
    "expired": "5.3.9",
    "not-yet-valid": "5.3.10",
    "revoked": "5.3.11",
    "wrong-usage": "5.3.12",
    "agency-mismatch": "5.3.13",
}


@pytest.mark.parametrize(("case", "code"), CASES.items())
def test_each_bad_certificate_case_gets_its_own_code(
    case: str, code: str, pki: DevPki, trust: TrustStore
) -> None:
    claimed = pki.bad_agency(case)
    data = sign_with(pki.bad(case), package(sender=claimed))
    with pytest.raises(Rejected) as caught:
        verify(tree(data), mode="required", trust=trust, expected_agency=claimed)
    assert caught.value.code.code == code


def _cert(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_every_dev_agency_certificate_chains_and_names_its_agency(
    pki: DevPki, trust: TrustStore
) -> None:
    now = datetime.now(UTC)
    for agency in pki.agencies:
        assert trust.check(_cert(pki.agency(agency).cert), [], now, agency) == agency


def test_a_signer_may_omit_the_intermediate_known_to_the_trust_store(
    pki: DevPki, trust: TrustStore
) -> None:
    paths = pki.agency(SENDER)
    data = sign_with(paths, package()).replace(b"\r", b"")
    # Keep only the first X509Certificate (the signer's): the chain comes from trust/intermediates.
    start = data.index(b"</ds:X509Certificate>") + len(b"</ds:X509Certificate>")
    end = data.index(b"</ds:X509Data>")
    verdict = verify(tree(data[:start] + data[end:]), mode="required", trust=trust)
    assert verdict.signer_agency == SENDER


def test_a_store_without_intermediates_cannot_chain_a_bare_leaf_5_3_8(pki: DevPki) -> None:
    anchors_only = TrustStore(anchors=TrustStore.load(pki.trust_dir).anchors)
    with pytest.raises(Rejected) as caught:
        anchors_only.check(_cert(pki.agency(SENDER).cert), [], datetime.now(UTC), None)
    assert caught.value.code.code == "5.3.8"


def test_validity_is_judged_at_the_given_time_even_for_a_cached_signer(
    pki: DevPki, trust: TrustStore
) -> None:
    cert = _cert(pki.agency(SENDER).cert)
    now = datetime.now(UTC)
    assert trust.check(cert, [], now, SENDER) == SENDER
    with pytest.raises(Rejected) as caught:
        trust.check(cert, [], now + timedelta(days=3650), SENDER)
    assert caught.value.code.code == "5.3.9"


def test_an_expected_agency_of_none_skips_the_agency_match(pki: DevPki, trust: TrustStore) -> None:
    cert = _cert(pki.bad("agency-mismatch").cert)
    chain = x509.load_pem_x509_certificates(pki.bad("agency-mismatch").chain.read_bytes())
    assert trust.check(cert, chain, datetime.now(UTC), None) == "000.00.00.H41"


def test_agency_of_reads_the_uid_attribute_with_or_without_a_tag(pki: DevPki) -> None:
    assert agency_of(_cert(pki.agency("000.24.31.H47").cert)) == "000.24.31.H47"
    assert agency_of(_cert(pki.hub.cert)) == ""
