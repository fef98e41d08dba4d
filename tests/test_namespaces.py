"""The namespace checker (tests/support/nscheck.py) and the suite-wide hook that applies it
(tests/conftest.py) to every package the suite builds, signs or forwards."""

from __future__ import annotations

import importlib
from pathlib import Path

from axis.edxml.trace import append_trace
from axis.pki import devpki
from axis.pki.xmldsig import verify
from tests import conftest
from tests.pki.conftest import package
from tests.support import nscheck

JDOM2_BREAKER = (
    b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLHeader>'
    b'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" '
    b'xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/></edXMLHeader></edXML>'
)


def test_the_checker_finds_a_prefixed_element_redeclaring_the_default_namespace() -> None:
    (problem,) = nscheck.problems(JDOM2_BREAKER)
    assert "<ds:Signature>" in problem and "default namespace" in problem


def test_the_checker_finds_an_unused_declaration_but_not_an_xpath_use() -> None:
    assert nscheck.problems(b'<a xmlns:x="urn:x"><b/></a>') == [
        "<a> (line 1) declares unused ['x']"
    ]
    xpath = b'<XPath xmlns:e="urn:e">/e:edXML</XPath>'
    assert nscheck.problems(xpath) == []


def test_every_package_writer_is_wrapped_by_the_checker_everywhere() -> None:
    for module, name in (
        ("axis.edxml.build", "build"),
        ("axis.edxml", "build"),
        ("axis.pki.signing", "sign"),
        ("axis.pki.xmldsig", "sign"),
        ("axis.edxml.trace", "append_trace"),
        ("tests.hub.conftest", "sign"),
        ("tests.hub.conftest", "build"),
    ):
        writer = getattr(importlib.import_module(module), name)
        assert hasattr(writer, "__wrapped__"), f"{module}.{name} is not checked"


def test_a_signed_and_forwarded_package_declares_only_what_it_uses_and_verifies(
    tmp_path: Path,
) -> None:
    pki = devpki.init(tmp_path, [("000.00.00.H47", "UBND")], key_type="ec")
    paths = pki.agency("000.00.00.H47")
    signer = importlib.import_module("axis.pki.signing").sign
    before = conftest.CHECKED["sign"]
    signed = signer(package(), paths.key.read_bytes(), paths.cert.read_bytes(),
                    chain_pem=paths.chain.read_bytes() if paths.chain.exists() else b"")  # fmt: skip
    assert conftest.CHECKED["sign"] == before + 1
    forwarded = append_trace(signed, "000.00.00.G22", "2026/11/20 08:05:00")
    assert nscheck.problems(signed) == nscheck.problems(forwarded) == []
    assert b'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">' in signed
    from axis.pki.signing import parse
    from axis.pki.trust import TrustStore

    trust = TrustStore.load(pki.trust_dir)
    for data in (signed, forwarded):
        verdict = verify(parse(data), mode="required", trust=trust, expected_agency="000.00.00.H47")
        assert verdict.kind == "verified", verdict
