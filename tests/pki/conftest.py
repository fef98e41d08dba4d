"""Fixtures for the signature and PKI tests: one dev PKI per key type for the whole session."""

from __future__ import annotations

import base64
import os

import pytest
from lxml import etree

from axis.pki import devpki
from axis.pki.signing import parse
from axis.pki.trust import TrustStore
from axis.pki.xmldsig import sign

SENDER = "000.00.00.H47"

PACKAGE = """<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From><edXML:OrganId>{sender}</edXML:OrganId></edXML:From>
        <edXML:To><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:To>
        <edXML:DocumentId>{sender},2026/11/20,12/UBND-VP</edXML:DocumentId>
        <edXML:Subject>V/v kiểm thử chữ ký số</edXML:Subject>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList>
        <edXML:TraceHeader>
          <edXML:OrganId>{sender}</edXML:OrganId>
          <edXML:Timestamp>2026/11/20 08:00:00</edXML:Timestamp>
        </edXML:TraceHeader>
        <edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType></edXML:Bussiness>
      </edXML:TraceHeaderList>
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0"/>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment>
      <ContentId>cid:1</ContentId>
      <ContentTransferEncoded>{content}</ContentTransferEncoded>
    </Attachment>
  </AttachmentEncoded>
</edXML>
"""


def package(sender: str = SENDER, size: int = 3000) -> bytes:
    """An unsigned document package with a ``size``-byte attachment."""
    content = base64.b64encode(os.urandom(size)).decode()
    return PACKAGE.format(sender=sender, content=content).encode()


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> devpki.DevPki:
    return devpki.init(tmp_path_factory.mktemp("pki-rsa"))


@pytest.fixture(scope="session")
def pki_ec(tmp_path_factory: pytest.TempPathFactory) -> devpki.DevPki:
    return devpki.init(tmp_path_factory.mktemp("pki-ec"), key_type="ec")


@pytest.fixture(scope="session")
def trust(pki: devpki.DevPki) -> TrustStore:
    return TrustStore.load(pki.trust_dir)


def sign_with(paths: devpki.CertPaths, data: bytes, digest: str = "sha256") -> bytes:
    return sign(
        data,
        paths.key.read_bytes(),
        paths.cert.read_bytes(),
        chain_pem=paths.chain.read_bytes(),
        digest=digest,
    )


@pytest.fixture(scope="session")
def signed(pki: devpki.DevPki) -> bytes:
    """One package signed by 000.00.00.H47 (RSA), shared read-only by the tamper tests."""
    return sign_with(pki.agency(SENDER), package())


def tree(data: bytes) -> etree._Element:
    return parse(data)
