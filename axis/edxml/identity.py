"""One reading of who sends what to whom: parse() refuses a package two readers could read
differently (5.4.16, under both policies: ambiguity is never a quirk).

parse.py finds children by local name and takes the first; a recipient's DMS may take the
first in document order anywhere, or the last, or match only its own prefix. They all agree
only when there is exactly one of each thing that names the sender, the recipients and the
document (docs/domain.md §3): one MessageHeader in the whole document (any namespace, also
inside a Signature or any XMLDSig element), at /edXML/edXMLEnvelope/edXMLHeader; one From;
From and every To directly in it, each with exactly one OrganId; one DocumentId (a document),
or one ResponseFor with one DocumentId (a status).
"""

from __future__ import annotations

from lxml import etree

from axis.errors import Rejected

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
_HEADER_PATH = (f"{{{NS}}}edXMLHeader", f"{{{NS}}}edXMLEnvelope", f"{{{NS}}}edXML")


def _ambiguous(detail: str) -> Rejected:
    return Rejected("5.4.16", detail)


def _everywhere(root: etree._Element, name: str) -> list[etree._Element]:
    """Every element called ``name`` in any namespace or none, in document order."""
    return list(root.iter(f"{{*}}{name}"))


def _direct(parent: etree._Element, name: str) -> list[etree._Element]:
    return list(parent.iterchildren(f"{{*}}{name}"))


def check_unambiguous(root: etree._Element) -> etree._Element:
    """The one MessageHeader, at its standard place; Rejected 5.4.16 for any ambiguity."""
    headers = _everywhere(root, "MessageHeader")
    if len(headers) != 1:
        raise _ambiguous(f"{len(headers)} MessageHeader elements; exactly one is allowed")
    header = headers[0]
    if header.tag != f"{{{NS}}}MessageHeader" or not _at_standard_place(header, root):
        raise _ambiguous("the MessageHeader is not edXML/edXMLEnvelope/edXMLHeader/MessageHeader")
    _one_party(root, header, "From", exactly_one=True)
    _one_party(root, header, "To", exactly_one=False)
    if _direct(header, "StatusCode"):
        _one_status_subject(header)
    else:
        _at_most_one(_direct(header, "DocumentId"), "MessageHeader/DocumentId")
    return header


def _at_standard_place(header: etree._Element, root: etree._Element) -> bool:
    node: etree._Element | None = header
    for tag in _HEADER_PATH:
        node = node.getparent() if node is not None else None
        if node is None or node.tag != tag:
            return False
    return node is root


def _one_party(root: etree._Element, header: etree._Element, name: str, exactly_one: bool) -> None:
    """From (exactly one) or To (any number): directly in the header, one OrganId each."""
    found = _everywhere(root, name)
    if any(element.getparent() is not header for element in found):
        raise _ambiguous(f"a {name} outside MessageHeader")
    if exactly_one:
        _at_most_one(found, f"MessageHeader/{name}")  # none: rules.py refuses (5.4.9)
    for n, party in enumerate(found, 1):
        organ_ids = list(party.iter("{*}OrganId"))
        where = name if exactly_one else f"{name}[{n}]"
        _at_most_one(organ_ids, f"{where}/OrganId")
        if organ_ids and organ_ids[0].getparent() is not party:
            raise _ambiguous(f"{where}/OrganId is nested inside another element")


def _one_status_subject(header: etree._Element) -> None:
    """A status names one document: one ResponseFor, one DocumentId in it, one StatusCode."""
    _at_most_one(_direct(header, "StatusCode"), "MessageHeader/StatusCode")
    responses = _direct(header, "ResponseFor")
    _at_most_one(responses, "MessageHeader/ResponseFor")
    _at_most_one(list(responses[0].iter("{*}DocumentId")), "ResponseFor/DocumentId")


def _at_most_one(found: list[etree._Element], what: str) -> None:
    # none at all is left to the content rules (5.4.9 names the missing field)
    if len(found) > 1:
        raise _ambiguous(f"{len(found)} {what} elements; exactly one is allowed")
