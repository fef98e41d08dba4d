"""axis's XMLDSig profile: what a proper package signature may look like (docs/domain.md §4).

``xmldsig.verify`` runs ``check_structure`` before any cryptography, so only signatures whose
meaning is fixed reach libxmlsec: one Signature, child of edXMLHeader, one Reference URI=""
(the whole document), enveloped-signature first, optionally the trace-header XPath filter
written exactly as ``signing.sign`` writes it, optionally one canonicalisation, algorithms from
the allow-list. Anything else is 5.3.7 (wrapping defence: nothing can point the verifier at
other content than the package being processed), or 5.3.5 for an algorithm outside the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree
from xmlsec import constants as T

from axis.errors import Rejected

if TYPE_CHECKING:
    # xmlsec's own stubs name a transform constant's type only here (xmlsec.Transform is a
    # runtime module of aliases that the stubs do not export).
    from xmlsec.constants import __Transform as Transform

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DS = "http://www.w3.org/2000/09/xmldsig#"
FILTER2 = "http://www.w3.org/2002/06/xmldsig-filter2"

# SignatureMethod -> (xmlsec transform, legacy)
SIGNATURE_METHODS: dict[str, tuple[Transform, bool]] = {
    t.href: (t, legacy)
    for t, legacy in (
        (T.TransformRsaSha256, False),
        (T.TransformRsaSha384, False),
        (T.TransformRsaSha512, False),
        (T.TransformEcdsaSha256, False),
        (T.TransformEcdsaSha384, False),
        (T.TransformEcdsaSha512, False),
        (T.TransformRsaSha1, True),
        (T.TransformEcdsaSha1, True),
    )
}
DIGEST_METHODS: dict[str, tuple[Transform, bool]] = {
    t.href: (t, legacy)
    for t, legacy in (
        (T.TransformSha256, False),
        (T.TransformSha384, False),
        (T.TransformSha512, False),
        (T.TransformSha1, True),
    )
}
C14N_METHODS: dict[str, Transform] = {
    t.href: t
    for t in (
        T.TransformInclC14N,
        T.TransformInclC14NWithComments,
        T.TransformInclC14N11,
        T.TransformInclC14N11WithComments,
        T.TransformExclC14N,
        T.TransformExclC14NWithComments,
    )
}

# The hop trace stays outside the sender's signature (docs/domain.md §3: each hub appends a
# TraceHeader; docs/decisions.md "Hop trace and the sender's signature"). Exactly these nodes
# are subtracted: the TraceHeader elements of the one TraceHeaderList in the header, and the
# whitespace-only text between them (a hop inserting "\n  <TraceHeader>" adds such text).
_TRACE_LIST = "/edXML:edXML/edXML:edXMLEnvelope/edXML:edXMLHeader/edXML:TraceHeaderList"
TRACE_XPATH = f"{_TRACE_LIST}/edXML:TraceHeader | {_TRACE_LIST}/text()[normalize-space()='']"
_KEYINFO_CHILDREN = {f"{{{DS}}}X509Data", f"{{{DS}}}KeyValue", f"{{{DS}}}KeyName"}


@dataclass(frozen=True)
class Profile:
    """What check_structure learned: the algorithms in use and whether any is legacy."""

    signature_method: str
    c14n_method: str
    transforms: tuple[Transform, ...]  # reference transforms, digest included
    legacy: bool


def _structure(detail: str) -> Rejected:
    return Rejected("5.3.7", detail)


def _children(element: etree._Element) -> list[etree._Element]:
    # Comments and processing instructions are not part of the structure.
    return [c for c in element if isinstance(c.tag, str)]


def check_placement(sig: etree._Element, root: etree._Element) -> None:
    """The Signature must be a child of /edXML/edXMLEnvelope/edXMLHeader (docs/domain.md §4)."""
    header = sig.getparent()
    envelope = header.getparent() if header is not None else None
    if (
        header is None
        or header.tag != f"{{{NS}}}edXMLHeader"
        or envelope is None
        or envelope.tag != f"{{{NS}}}edXMLEnvelope"
        or envelope.getparent() is not root
        or root.tag != f"{{{NS}}}edXML"
        or root.getparent() is not None
    ):
        raise _structure("the Signature is not a child of edXML/edXMLEnvelope/edXMLHeader")


def check_structure(sig: etree._Element, root: etree._Element) -> Profile:
    """Raise 5.3.7 / 5.3.5 unless ``sig`` follows the profile; return its algorithms."""
    check_placement(sig, root)
    parts = [c.tag for c in _children(sig)]
    if parts[:2] != [f"{{{DS}}}SignedInfo", f"{{{DS}}}SignatureValue"] or any(
        tag != f"{{{DS}}}KeyInfo" for tag in parts[2:]
    ):
        raise _structure("Signature must hold SignedInfo, SignatureValue, KeyInfo and no Object")
    for info in sig.iterchildren(f"{{{DS}}}KeyInfo"):
        extra = {c.tag for c in _children(info)} - _KEYINFO_CHILDREN
        if extra:
            raise _structure(f"KeyInfo may hold X509Data, KeyValue, KeyName, not {sorted(extra)}")
    items = _children(_children(sig)[0])
    tags = [c.tag for c in items]
    if tags != [
        f"{{{DS}}}CanonicalizationMethod",
        f"{{{DS}}}SignatureMethod",
        f"{{{DS}}}Reference",
    ]:
        raise _structure(
            "SignedInfo must hold one CanonicalizationMethod, SignatureMethod, Reference"
        )
    c14n_node, method, reference = items
    c14n_uri = c14n_node.get("Algorithm", "")
    if c14n_uri not in C14N_METHODS:
        raise Rejected("5.3.5", f"canonicalisation {c14n_uri!r} is not allowed")
    method_uri = method.get("Algorithm", "")
    if method_uri not in SIGNATURE_METHODS:
        raise Rejected("5.3.5", f"signature method {method_uri!r} is not allowed")
    transforms, digest_legacy = _reference(reference)
    return Profile(
        method_uri, c14n_uri, transforms, SIGNATURE_METHODS[method_uri][1] or digest_legacy
    )


def _reference(reference: etree._Element) -> tuple[tuple[Transform, ...], bool]:
    if reference.get("URI") != "" or set(reference.attrib) - {"URI", "Id", "Type"}:
        raise _structure('the Reference must be URI="" (the whole package)')
    tags = [c.tag for c in _children(reference)]
    if tags != [f"{{{DS}}}Transforms", f"{{{DS}}}DigestMethod", f"{{{DS}}}DigestValue"]:
        raise _structure("Reference must hold Transforms, DigestMethod, DigestValue")
    transforms_node, digest_node = _children(reference)[:2]
    steps = _children(transforms_node)
    uris = [step.get("Algorithm", "") for step in steps]
    if not uris or uris[0] != T.TransformEnveloped.href:
        raise _structure("the first transform must be enveloped-signature")
    used = [T.TransformEnveloped]
    rest = list(zip(uris[1:], steps[1:], strict=True))
    if rest and rest[0][0] == T.TransformXPath2.href:
        _check_trace_filter(rest.pop(0)[1])
        used.append(T.TransformXPath2)
    if rest and rest[0][0] in C14N_METHODS:
        used.append(C14N_METHODS[rest.pop(0)[0]])
    if rest:
        raise _structure(f"transform {rest[0][0]!r} is not allowed here")
    digest_uri = digest_node.get("Algorithm", "")
    if digest_uri not in DIGEST_METHODS:
        raise Rejected("5.3.5", f"digest method {digest_uri!r} is not allowed")
    transform, legacy = DIGEST_METHODS[digest_uri]
    return (*used, transform), legacy


def _check_trace_filter(step: etree._Element) -> None:
    # Any other XPath could subtract signed content at will; only the trace filter is allowed.
    paths = _children(step)
    if (
        len(paths) != 1
        or paths[0].tag != f"{{{FILTER2}}}XPath"
        or paths[0].get("Filter") != "subtract"
        or (paths[0].text or "").strip() != TRACE_XPATH
        or paths[0].nsmap.get("edXML") != NS
    ):
        raise _structure("the only XPath filter allowed is axis's trace-header filter")
