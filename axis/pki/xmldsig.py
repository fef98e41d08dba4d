"""Verify (intake's signature stage) and sign (``axis sign``) a package's XMLDSig (docs/domain.md §4).

verify() decides in this order, stopping at the first answer:
  mode off -> skipped; no Signature -> missing (5.3.1 / 2.3.1); decorative -> placeholder
  (5.3.4 / 2.3.4, see placeholder.py); structure and algorithms (profile.py: 5.3.7 / 5.3.5);
  certificate in KeyInfo (5.3.14 / 5.3.15); libxmlsec verification with the certificate's key
  (5.3.2 digest / 5.3.3 value); trust store (trust.py: 5.3.8-5.3.13).
The profile admits only Reference URI="" with the enveloped transform, so what libxmlsec checks
is exactly the document the caller holds (minus the signature and the hop trace): there is no
other "signed element" a wrapping attack could substitute. The tree is never modified
(libxmlsec's enveloped and XPath transforms select nodes, they do not remove them).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import xmlsec
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from lxml import etree

from axis.errors import Finding, Rejected
from axis.pki.placeholder import (
    COPIED_REASON,
    decode_base64,
    non_dsig_signature,
    placeholder_reason,
)
from axis.pki.profile import C14N_METHODS, DS, NS, SIGNATURE_METHODS, Profile, check_structure
from axis.pki.signing import sign
from axis.pki.trust import TrustStore

__all__ = ["SignatureVerdict", "sign", "verify"]

# Constructors of the concrete hash classes, by the SignatureMethod URI's suffix.
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
}
_HASHES["sha512"] = hashes.SHA512
# Repeat signers: parsed certificates and libxmlsec keys by DER (bounded, cleared when full).
_CERTS: dict[bytes, x509.Certificate] = {}
_KEYS: dict[bytes, xmlsec.Key] = {}
_KEYS_LOCK = threading.Lock()


@dataclass(frozen=True)
class SignatureVerdict:
    """The signature stage's answer for an accepted package."""

    kind: str  # "verified" | "placeholder" | "missing" | "skipped" (mode off)
    legacy: bool  # SHA-1 algorithms were used (allowed by signature.allow_legacy)
    signer: str  # signer certificate subject (RFC 4514) or ""
    signer_agency: str  # agency id named by the certificate, or ""
    findings: tuple[Finding, ...] = ()  # 2.3.1 / 2.3.4 / 2.3.6 warnings


def verify(
    root: etree._Element,
    *,
    mode: str,
    trust: TrustStore | None,
    allow_legacy: bool = False,
    expected_agency: str | None = None,
    at: datetime | None = None,
) -> SignatureVerdict:
    """Judge the package's signature under ``mode`` (required|optional|off); Rejected 5.3.x."""
    if mode == "off":
        return SignatureVerdict("skipped", False, "", "")
    if mode not in ("required", "optional"):
        raise ValueError(f"signature mode must be required, optional or off, not {mode!r}")
    signatures = list(root.iter(f"{{{DS}}}Signature"))
    if not signatures:
        header = root.find(f"{{{NS}}}edXMLEnvelope/{{{NS}}}edXMLHeader")
        if non_dsig_signature(header) is not None:
            return _placeholder(mode, "the Signature element is not in the XMLDSig namespace")
        if mode == "required":
            raise Rejected("5.3.1")
        return SignatureVerdict("missing", False, "", "", (Finding("2.3.1", ""),))
    if len(signatures) > 1:
        raise Rejected(
            "5.3.7", f"{len(signatures)} XMLDSig Signature elements; exactly one allowed"
        )
    sig = signatures[0]
    reason = placeholder_reason(sig)
    if reason and not (reason == COPIED_REASON and _trusted_signer(sig, trust, at)):
        return _placeholder(mode, reason)
    profile = check_structure(sig, root)
    if profile.legacy and not allow_legacy:
        raise Rejected("5.3.5", "SHA-1 is only accepted with signature.allow_legacy = true")
    cert, chain, der = _certificates(sig)
    _check_key_value(sig, cert)
    _crypto_verify(sig, cert, der, profile)
    if trust is None:
        raise Rejected("5.3.8", "no trust store is configured (signature.trust_dir)")
    agency = trust.check(cert, chain, at or datetime.now(UTC), expected_agency)
    findings: tuple[Finding, ...] = ()
    if profile.legacy:
        findings = (Finding("2.3.6", f"{profile.signature_method}"),)
    subject = cert.subject.rfc4514_string()
    return SignatureVerdict("verified", profile.legacy, subject, agency, findings)


def _trusted_signer(sig: etree._Element, trust: TrustStore | None, at: datetime | None) -> bool:
    """True if the signature's certificate chains to one of our anchors (docs/decisions.md "A
    checkable signature is never a placeholder"): then a copied value is a forgery, not a quirk."""
    if trust is None:
        return False
    try:
        cert, chain, _ = _certificates(sig)
    except Rejected:
        return False
    return trust.chains(cert, chain, at or datetime.now(UTC))


def _placeholder(mode: str, reason: str) -> SignatureVerdict:
    if mode == "required":
        raise Rejected("5.3.4", reason)
    return SignatureVerdict("placeholder", False, "", "", (Finding("2.3.4", reason),))


def _certificates(sig: etree._Element) -> tuple[x509.Certificate, list[x509.Certificate], bytes]:
    """Signer certificate (the first X509Certificate), the rest as chain, and the signer's DER."""
    nodes = sig.findall(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")
    if not nodes:
        raise Rejected("5.3.14", "KeyInfo/X509Data carries no X509Certificate")
    certs, first = [], b""
    for index, node in enumerate(nodes):
        der = decode_base64(node.text or "") or b""
        cert = _CERTS.get(der)
        if cert is None:
            try:
                cert = x509.load_der_x509_certificate(der)
            except ValueError:
                raise Rejected("5.3.14", f"X509Certificate #{index + 1} does not decode") from None
            with _KEYS_LOCK:
                if len(_CERTS) >= 1024:
                    _CERTS.clear()
                _CERTS[der] = cert
        certs.append(cert)
        first = first or der
    return certs[0], certs[1:], first


def _check_key_value(sig: etree._Element, cert: x509.Certificate) -> None:
    """A KeyValue next to the certificate must be the certificate's key (5.3.15)."""
    for value in sig.iterfind(f"{{{DS}}}KeyInfo/{{{DS}}}KeyValue"):
        modulus = value.findtext(f"{{{DS}}}RSAKeyValue/{{{DS}}}Modulus")
        exponent = value.findtext(f"{{{DS}}}RSAKeyValue/{{{DS}}}Exponent")
        key = cert.public_key()
        if modulus is not None and exponent is not None and isinstance(key, rsa.RSAPublicKey):
            numbers = key.public_numbers()
            if (_int(modulus), _int(exponent)) == (numbers.n, numbers.e):
                continue
        raise Rejected("5.3.15", "KeyInfo/KeyValue is not the certificate's public key")


def _int(text: str) -> int:
    return int.from_bytes(decode_base64(text) or b"", "big")


def _key(der: bytes) -> xmlsec.Key:
    key = _KEYS.get(der)
    if key is None:
        key = xmlsec.Key.from_memory(der, xmlsec.constants.KeyDataFormatCertDer)
        with _KEYS_LOCK:
            if len(_KEYS) >= 1024:
                _KEYS.clear()
            _KEYS[der] = key
    return key


def _crypto_verify(
    sig: etree._Element, cert: x509.Certificate, der: bytes, profile: Profile
) -> None:
    ctx = xmlsec.SignatureContext()
    # Only the profile's transforms may run, whatever else the document names.
    for transform in profile.transforms:
        ctx.enable_reference_transform(transform)
    ctx.enable_signature_transform(C14N_METHODS[profile.c14n_method])
    ctx.enable_signature_transform(SIGNATURE_METHODS[profile.signature_method][0])
    try:
        ctx.key = _key(der)
    except xmlsec.Error:
        raise Rejected("5.3.14", "the certificate's key cannot be used") from None
    try:
        ctx.verify(sig)
    except xmlsec.VerificationError:
        raise _classify(sig, cert, profile) from None
    except xmlsec.Error as exc:
        raise Rejected("5.3.7", f"the signature cannot be processed: {exc}") from None


def _classify(sig: etree._Element, cert: x509.Certificate, profile: Profile) -> Rejected:
    """Digest mismatch (5.3.2) if SignedInfo itself verifies, else a bad value (5.3.3)."""
    signed_info = sig.find(f"{{{DS}}}SignedInfo")
    assert signed_info is not None, "check_structure ran: SignedInfo is the first child"
    value = decode_base64(sig.findtext(f"{{{DS}}}SignatureValue") or "")
    c14n = profile.c14n_method
    # lxml has c14n 1.0 and exclusive; 1.1 differs only in xml:* attribute inheritance, which
    # SignedInfo does not use.
    data = etree.tostring(
        signed_info,
        method="c14n",
        exclusive="exc-c14n" in c14n,
        with_comments=c14n.endswith("WithComments"),
    )
    if value and _value_ok(cert, profile.signature_method, value, data):
        return Rejected("5.3.2", "the signed content changed after signing")
    return Rejected("5.3.3", "the SignatureValue does not verify with the certificate's key")


def _value_ok(cert: x509.Certificate, method: str, value: bytes, data: bytes) -> bool:
    algorithm = _HASHES[method.rsplit("-", 1)[-1]]()
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(value, data, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            half = len(value) // 2
            r, s = int.from_bytes(value[:half], "big"), int.from_bytes(value[half:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(algorithm))
        else:
            return False
    except InvalidSignature:
        return False
    return True
