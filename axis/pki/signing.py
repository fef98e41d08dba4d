"""Signing a package: ``axis sign``, the tests, and demo senders (docs/domain.md §4).

The signature is enveloped XMLDSig, last child of edXML:edXMLHeader, one Reference URI=""
with transforms enveloped-signature, the trace-header XPath Filter 2.0 (profile.TRACE_XPATH:
hubs append TraceHeaders per hop, docs/domain.md §3) and exclusive c14n; KeyInfo/X509Data holds the
signer certificate then its chain. The output is the input bytes with the Signature's bytes
inserted before ``</edXML:edXMLHeader>``: nothing else is re-serialised, and the result is
verified before it is returned (if the splice cannot be done, the signed tree is serialised
whole, UTF-8 with an XML declaration).
"""

from __future__ import annotations

import base64
import functools
import re
from typing import TYPE_CHECKING

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import Encoding, load_pem_private_key
from lxml import etree

from axis.edxml.load import ExternalLoadRefused, check_encoding, refuse_doctype, safe_parser
from axis.errors import Rejected
from axis.pki.profile import DS, FILTER2, NS, TRACE_XPATH, check_placement

if TYPE_CHECKING:
    from axis.pki.profile import Transform

T = xmlsec.constants
_METHODS = {
    ("rsa", "sha256"): T.TransformRsaSha256,
    ("rsa", "sha384"): T.TransformRsaSha384,
    ("rsa", "sha512"): T.TransformRsaSha512,
    ("rsa", "sha1"): T.TransformRsaSha1,
    ("ec", "sha256"): T.TransformEcdsaSha256,
    ("ec", "sha384"): T.TransformEcdsaSha384,
    ("ec", "sha512"): T.TransformEcdsaSha512,
    ("ec", "sha1"): T.TransformEcdsaSha1,
}
_DIGESTS = {
    "sha256": T.TransformSha256,
    "sha384": T.TransformSha384,
    "sha512": T.TransformSha512,
    "sha1": T.TransformSha1,
}
DIGESTS = tuple(_DIGESTS)  # sha1 only to produce legacy test packages


def parse(data: bytes) -> etree._Element:
    """The door's checks (load: UTF-8 only, no DOCTYPE, loads nothing), for the signer's input.

    huge_tree: the signer's input is the caller's own package, of any size."""
    try:
        check_encoding(data)
        refuse_doctype(data)
        root = etree.fromstring(data, safe_parser(huge=True))
    except etree.XMLSyntaxError as exc:
        raise Rejected("5.2.1", str(exc)) from None
    except ExternalLoadRefused as exc:
        raise Rejected("5.2.2", f"the package asks to load {str(exc)[:80]!r}") from None
    # lxml-stubs' DocInfo lacks ``doctype`` (lxml has it: the DOCTYPE line, "" if none).
    if root.getroottree().docinfo.doctype:  # type: ignore[union-attr]
        raise Rejected("5.2.2")
    return root


@functools.lru_cache(maxsize=64)
def _private_key(key_pem: bytes) -> PrivateKeyTypes:
    """Loading a PEM RSA key checks its consistency (~30 ms); a signer signs many packages
    with one key, so each distinct key is loaded once per process."""
    return load_pem_private_key(key_pem, None)


def sign(
    data: bytes, key_pem: bytes, cert_pem: bytes, *, chain_pem: bytes = b"", digest: str = "sha256"
) -> bytes:
    """``data`` with an enveloped XMLDSig made with ``key_pem`` / ``cert_pem`` inserted."""
    root = parse(data)
    header = root.find(f"{{{NS}}}edXMLEnvelope/{{{NS}}}edXMLHeader")
    if root.tag != f"{{{NS}}}edXML" or header is None:
        raise Rejected("5.2.7", "no edXML/edXMLEnvelope/edXMLHeader to sign")
    if next(root.iter(f"{{{DS}}}Signature"), None) is not None:
        raise Rejected("5.3.7", "the package already carries an XMLDSig Signature")
    key = _private_key(key_pem)
    certs = [x509.load_pem_x509_certificate(cert_pem)]
    certs += x509.load_pem_x509_certificates(chain_pem) if chain_pem.strip() else []
    if certs[0].public_key() != key.public_key():
        raise Rejected("5.3.15", "the certificate is not the key's certificate")
    kind = "rsa" if isinstance(key, rsa.RSAPrivateKey) else "ec"
    if (
        not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
        or digest not in _DIGESTS
    ):
        raise ValueError(f"need an RSA or EC key and a digest from {DIGESTS}")
    sig = _template(root, _METHODS[(kind, digest)], _DIGESTS[digest])
    header.append(sig)
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_memory(key_pem, xmlsec.constants.KeyDataFormatPem)
    ctx.sign(sig)
    _add_certificates(sig, certs)
    cert_der = certs[0].public_bytes(Encoding.DER)
    spliced = _splice(data, header, _fragment(sig), cert_der)
    if spliced is not None:
        return spliced
    whole = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
    if not _signs(whole, cert_der):  # pragma: no cover - would be a libxmlsec bug
        raise RuntimeError("the signed package does not verify")
    return whole


def _template(root: etree._Element, method: Transform, digest: Transform) -> etree._Element:
    sig = xmlsec.template.create(root, T.TransformExclC14N, method, ns="ds")
    ref = xmlsec.template.add_reference(sig, digest, uri="")
    xmlsec.template.add_transform(ref, T.TransformEnveloped)
    step = xmlsec.template.add_transform(ref, T.TransformXPath2)
    xpath = etree.SubElement(
        step, f"{{{FILTER2}}}XPath", nsmap={"dsig-xpath": FILTER2, "edXML": NS}
    )
    xpath.set("Filter", "subtract")
    xpath.text = TRACE_XPATH
    xmlsec.template.add_transform(ref, T.TransformExclC14N)
    return sig


def _add_certificates(sig: etree._Element, certs: list[x509.Certificate]) -> None:
    # KeyInfo is outside SignedInfo, so it can be written after signing.
    info = etree.SubElement(sig, f"{{{DS}}}KeyInfo")
    data = etree.SubElement(info, f"{{{DS}}}X509Data")
    for cert in certs:
        node = etree.SubElement(data, f"{{{DS}}}X509Certificate")
        node.text = base64.b64encode(cert.public_bytes(Encoding.DER)).decode("ascii")


_SIGNATURE_START = re.compile(rb"<ds:Signature\b[^>]*>")
_XPATH_START = re.compile(rb"<dsig-xpath:XPath\b[^>]*>")


def _fragment(sig: etree._Element) -> bytes:
    """The Signature's bytes declaring only the namespaces its own prefixes use.

    Serialising a subtree repeats every namespace in scope (here the package's default and
    ``edXML``) on its first element; VNPT's jdom2 library cannot read a prefixed element that
    redeclares the default namespace (docs/domain.md §3), so the start tag keeps only
    ``xmlns:ds``. The XPath filter's expression uses the ``edXML`` prefix, so its own element
    declares it. Exclusive c14n of SignedInfo renders only visibly used prefixes, which these
    are not, so the signature value does not change (``_splice`` verifies it anyway).
    """
    raw = etree.tostring(sig)
    raw = _SIGNATURE_START.sub(f'<ds:Signature xmlns:ds="{DS}">'.encode(), raw, count=1)
    return _XPATH_START.sub(
        f'<dsig-xpath:XPath xmlns:dsig-xpath="{FILTER2}" xmlns:edXML="{NS}" '
        'Filter="subtract">'.encode(),
        raw,
        count=1,
    )


def _splice(data: bytes, header: etree._Element, fragment: bytes, cert_der: bytes) -> bytes | None:
    """Insert ``fragment`` just before the header's end tag, keeping every other byte."""
    prefix = re.escape(header.prefix.encode()) + b":" if header.prefix else b""
    for match in re.finditer(rb"</" + prefix + rb"edXMLHeader\s*>", data):
        candidate = data[: match.start()] + fragment + data[match.start() :]
        if _signs(candidate, cert_der):
            return candidate
    return None


def _signs(candidate: bytes, cert_der: bytes) -> bool:
    """True if ``candidate`` parses and its one Signature sits in place and verifies."""
    try:
        root = parse(candidate)
        signatures = list(root.iter(f"{{{DS}}}Signature"))
        if len(signatures) != 1:
            return False
        check_placement(signatures[0], root)
        ctx = xmlsec.SignatureContext()
        ctx.key = xmlsec.Key.from_memory(cert_der, xmlsec.constants.KeyDataFormatCertDer)
        ctx.verify(signatures[0])
    except (Rejected, xmlsec.Error):
        return False
    return True
