"""Recognising the decorative Signature blocks real packages carry (docs/domain.md §4).

``xmldsig.verify`` asks this module first, before any structure or crypto check, so a
placeholder gets 5.3.4 / 2.3.4 ("proves nothing") rather than a failure code that would suggest
someone tried to sign and got it wrong. Apart from a value known to be copied, only what cannot
be checked at all may be a placeholder: an XMLDSig Signature that can be checked (a
SignatureValue and a usable key: a certificate that decodes, or a KeyValue) is verified on its
merits and its failure is a failure, whatever else it carries (docs/decisions.md "A checkable
signature is never a placeholder"). The signals, facts readable without cryptography, each seen
in real traffic:

1. a ``Signature`` element in the header that is not in the XMLDSig namespace;
2. an XMLDSig Signature with no or an empty SignatureValue (vendors that send an empty shell);
3. a SignatureValue from ``COPIED_VALUES``: values seen pasted into unrelated packages (a known
   non-signature: real traffic pairs it with real VNPT-CA certificates), unless the certificate
   beside it chains to one of OUR trust anchors: xmldsig.verify then checks it on its merits, so
   a trusted signer's certificate never rides on a copied value;
and, for an XMLDSig Signature with a value but no usable key:
4. a truncated certificate: X509Certificate decodes to the start of a DER SEQUENCE whose declared
   length runs past the data (``MIIFqTCCBJG`` announces 1,453 bytes and carries 8).

Not signals: an undecodable but untruncated certificate (5.3.14), a value that simply does not
verify (5.3.2 / 5.3.3), a truncated certificate next to a usable key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography import x509
from lxml import etree

from axis.pki.profile import DS

# SHA-256 of the decoded SignatureValue copied across the VNPT samples (edoc.edxml,
# edoc_new.edxml, edoc_update.edxml, ...) and real 2019/2025 traffic (docs/domain.md §4).
COPIED_VALUES: frozenset[str] = frozenset(
    {"84c02a25a4444b7e57b4fb78e4ef2e7681c64030618865204b5dff00fd86430b"}
)


COPIED_REASON = "the SignatureValue is one copied into unrelated packages"


def decode_base64(text: str) -> bytes | None:
    """Strict base64 after removing whitespace; None if it is not base64."""
    compact = "".join(text.split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None


def non_dsig_signature(header: etree._Element | None) -> etree._Element | None:
    """A ``Signature`` child of edXMLHeader outside the XMLDSig namespace (signal 1)."""
    if header is None:
        return None
    for child in header:
        if isinstance(child.tag, str) and etree.QName(child).localname == "Signature":
            return child
    return None


def placeholder_reason(sig: etree._Element) -> str:
    """Why this XMLDSig-namespace Signature is decorative (signals 2-4), or "" if it is not."""
    value = sig.find(f"{{{DS}}}SignatureValue")
    text = "".join((value.text or "").split()) if value is not None else ""
    if not text:
        return "the SignatureValue is empty"
    decoded = decode_base64(text)
    if decoded is not None and hashlib.sha256(decoded).hexdigest() in COPIED_VALUES:
        # A value known to be pasted into unrelated packages was made for none of them: with or
        # without a key beside it, it proves nothing (stripping the signature would too).
        return COPIED_REASON
    if has_usable_key(sig):
        return ""  # checkable: it verifies or fails on its merits
    for node in sig.iter(f"{{{DS}}}X509Certificate"):
        if is_truncated_der("".join((node.text or "").split())):
            return "the certificate is truncated"
    return ""


def has_usable_key(sig: etree._Element) -> bool:
    """A certificate that decodes as X.509, or a KeyValue with content, anywhere in ``sig``."""
    for node in sig.iter(f"{{{DS}}}X509Certificate"):
        der = decode_base64(node.text or "")
        if der:
            try:
                x509.load_der_x509_certificate(der)
            except ValueError:
                continue
            return True
    key_values = sig.iter(f"{{{DS}}}KeyValue")
    return any(str(node.xpath("normalize-space(.)")) for node in key_values)


def is_truncated_der(text: str) -> bool:
    """True if ``text`` is base64 (padding optional) of a DER SEQUENCE cut short."""
    padded = text + "=" * (-len(text) % 4)
    try:
        der = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(der) < 2 or der[0] != 0x30:
        return False
    declared = _der_length(der)
    return declared is not None and declared > len(der)


def _der_length(der: bytes) -> int | None:
    """Total length (header + content) a DER element announces, or None if unreadable."""
    first = der[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or len(der) < 2 + count:
        return None
    return 2 + count + int.from_bytes(der[2 : 2 + count], "big")
