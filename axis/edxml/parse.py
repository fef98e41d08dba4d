"""From a loaded tree to the typed model (model.py); the step after load() in intake.

Children are found by LOCAL NAME, in any order and with any prefix, because vendors differ
(docs/domain.md §3: Bussiness/Business, edXMLManifest/Manifest, Attachment with or without prefix,
AttachmentEncoded with or without namespace, ContentId with or without "cid:"). Text is kept
exactly as received. Only structure that cannot be read at all raises (5.4.1); everything else
is left to the Validator's schema and content rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from lxml import etree

from axis.edxml import model as m
from axis.edxml.identity import check_unambiguous
from axis.errors import Rejected

_Element = etree._Element
LAZY_ABOVE = 1 << 20  # attachment text beyond this many characters stays in the tree only


def _local(element: _Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(parent: _Element | None, *names: str) -> Iterator[_Element]:
    """Children with one of the local names, in any namespace or none ("{*}", lxml in C)."""
    if parent is None:
        return iter(())
    return parent.iterchildren(*(f"{{*}}{name}" for name in names))


def _child(parent: _Element | None, *names: str) -> _Element | None:
    if parent is None:
        return None
    if len(names) == 1:
        return parent.find(f"{{*}}{names[0]}")
    return next(_children(parent, *names), None)


def _text(element: _Element | None) -> str:
    if element is None:
        return ""
    if len(element):  # a comment or stray child splits the text: join the text nodes
        texts = element.xpath("text()")
        assert isinstance(texts, list), "a node-set expression: xpath returns a list"
        # text() selects only text nodes (str subclasses); the isinstance narrows the items.
        return "".join(t for t in texts if isinstance(t, str))
    return element.text or ""


class _Fields:
    """The first child of each local name, indexed once: O(children) instead of per lookup."""

    __slots__ = ("first",)

    def __init__(self, parent: _Element | None) -> None:
        self.first: dict[str, _Element] = {}
        if parent is not None:
            for child in parent:
                self.first.setdefault(_local(child), child)

    def __call__(self, name: str) -> str:
        return _text(self.first.get(name))


def _field(parent: _Element | None, name: str) -> str:
    return _text(_child(parent, name))


def _require(parent: _Element | None, name: str, where: str) -> _Element:
    found = _child(parent, name)
    if found is None:
        raise Rejected("5.4.1", f"{where} has no {name}")
    return found


def _header(root: _Element) -> _Element:
    envelope = _require(root, "edXMLEnvelope", "edXML")
    return _require(envelope, "edXMLHeader", "edXMLEnvelope")


def parse(root: _Element) -> m.DocumentPackage | m.StatusPackage:
    """The typed package in a loaded tree: a StatusPackage when MessageHeader has StatusCode."""
    header = _header(root)
    message = _require(header, "MessageHeader", "edXMLHeader")
    check_unambiguous(root)  # 5.4.16: every reader must find this one sender, To, DocumentId
    if _child(message, "StatusCode") is not None:
        return _status(message)
    return _document(root, header, message)


def _organization(element: _Element | None) -> m.Organization:
    f = _Fields(element)
    return m.Organization(
        organ_id=f("OrganId"),
        organization_in_charge=f("OrganizationInCharge"),
        organ_name=f("OrganName"),
        organ_add=f("OrganAdd"),
        email=f("Email"),
        telephone=f("Telephone"),
        fax=f("Fax"),
        website=f("Website"),
    )


def _response_for(element: _Element | None) -> m.ResponseFor:
    return m.ResponseFor(
        organ_id=_field(element, "OrganId"),
        code=_field(element, "Code"),
        promulgation_date=_field(element, "PromulgationDate"),
        document_id=_field(element, "DocumentId"),
    )


def _staff(element: _Element | None) -> m.StaffInfo | None:
    if element is None:
        return None
    return m.StaffInfo(
        department=_field(element, "Department"),
        staff=_field(element, "Staff"),
        email=_field(element, "Email"),
        mobile=_field(element, "Mobile"),
    )


def _status(message: _Element) -> m.StatusPackage:
    return m.StatusPackage(
        sender=_organization(_child(message, "From")),
        response_for=_response_for(_child(message, "ResponseFor")),
        staff=_staff(_child(message, "StaffInfo")),
        status_code=_field(message, "StatusCode"),
        description=_field(message, "Description"),
        timestamp=_field(message, "Timestamp"),
    )


def _document(root: _Element, header: _Element, message: _Element) -> m.DocumentPackage:
    f = _Fields(message)
    code, promulgation = _Fields(f.first.get("Code")), _Fields(f.first.get("PromulgationInfo"))
    kind, signer = _Fields(f.first.get("DocumentType")), _Fields(f.first.get("SignerInfo"))
    responses = (_response_for(e) for e in _children(message, "ResponseFor"))
    traces = _child(header, "TraceHeaderList")
    return m.DocumentPackage(
        sender=_organization(f.first.get("From")),
        recipients=tuple(_organization(e) for e in _children(message, "To")),
        document_id=f("DocumentId"),
        code=m.Code(code("CodeNumber"), code("CodeNotation")),
        promulgation=m.PromulgationInfo(promulgation("Place"), promulgation("PromulgationDate")),
        document_type=m.DocumentType(kind("Type"), kind("TypeDetail"), kind("TypeName")),
        subject=f("Subject"),
        content=f("Content"),
        signer=m.SignerInfo(signer("Competence"), signer("Position"), signer("FullName")),
        due_date=f("DueDate"),
        other_info=_other_info(f.first.get("OtherInfo")),
        # the empty placeholder ResponseFor (samples/vnpt/edoc.edxml) carries nothing: drop it
        response_for=tuple(r for r in responses if not r.is_empty),
        steering_type=f("SteeringType"),
        response_for_task=_field(f.first.get("ResponseForTask"), "TaskCode"),
        application_type=f("ApplicationType"),
        to_places=tuple(_text(e) for e in _children(f.first.get("ToPlaces"), "Place")),
        traces=tuple(_trace(e) for e in _children(traces, "TraceHeader")),
        business=_business(_child(traces, "Bussiness", "Business")),
        references=_references(_child(root, "edXMLEnvelope")),
        attachments=tuple(
            _attachment(e) for e in _children(_child(root, "AttachmentEncoded"), "Attachment")
        ),
    )


def _other_info(element: _Element | None) -> m.OtherInfo:
    return m.OtherInfo(
        priority=_field(element, "Priority"),
        sphere_of_promulgation=_field(element, "SphereOfPromulgation"),
        typer_notation=_field(element, "TyperNotation"),
        promulgation_amount=_field(element, "PromulgationAmount"),
        page_amount=_field(element, "PageAmount"),
        direction=_field(element, "Direction"),
        appendixes=tuple(_text(e) for e in _children(_child(element, "Appendixes"), "Appendix")),
    )


def _trace(element: _Element) -> m.TraceHeader:
    return m.TraceHeader(
        organ_id=_field(element, "OrganId"), timestamp=_field(element, "Timestamp")
    )


def _business(element: _Element | None) -> m.Business | None:
    if element is None:
        return None
    raw_type = _field(element, "BussinessDocType").strip() or "0"
    try:
        doc_type = int(raw_type)
    except ValueError:
        raise Rejected("5.4.1", f"BussinessDocType {raw_type[:20]!r} is not an integer") from None
    info = _child(element, "BussinessDocumentInfo")
    replacements = _children(_child(element, "ReplacementInfoList"), "ReplacementInfo")
    return m.Business(
        doc_type=doc_type,
        reason=_field(element, "BussinessDocReason"),
        document_id=_field(element, "DocumentId"),
        paper=_field(element, "Paper"),
        staff=_staff(_child(element, "StaffInfo")),
        document_info=None if info is None else _document_info(info),
        replacements=tuple(_replacement(e) for e in replacements),
    )


def _document_info(element: _Element) -> m.BussinessDocumentInfo:
    receivers = _children(_child(element, "ReceiverList"), "Receiver")
    return m.BussinessDocumentInfo(
        document_info=_field(element, "DocumentInfo"),
        document_receiver=_field(element, "DocumentReceiver"),
        receivers=tuple(
            m.Receiver(_field(e, "OrganId"), _field(e, "ReceiverType")) for e in receivers
        ),
    )


def _replacement(element: _Element) -> m.ReplacementInfo:
    organs = _children(_child(element, "OrganIdList"), "OrganId")
    return m.ReplacementInfo(
        document_id=_field(element, "DocumentId"), organ_ids=tuple(_text(e) for e in organs)
    )


def _references(envelope: _Element | None) -> tuple[m.Reference, ...]:
    manifest = _child(_child(envelope, "edXMLBody"), "edXMLManifest", "Manifest")
    return tuple(
        m.Reference(
            content_id=_field(e, "ContentId"),
            content_type=_field(e, "ContentType"),
            description=_field(e, "Description"),
            attachment_name=_field(e, "AttachmentName"),
        )
        for e in _children(manifest, "Reference")
    )


def _attachment(element: _Element) -> m.Attachment:
    holder = _child(element, "ContentTransferEncoded")
    encoded = _text(holder)
    size, source = len(encoded), None
    if size > LAZY_ABOVE:  # the tree has the text: keep a way to read it, not a copy
        encoded, source = "", partial(_text, holder)
    return m.Attachment(
        content_id=_field(element, "ContentId"),
        attachment_name=_field(element, "AttachmentName"),
        description=_field(element, "Description"),
        content_type=_field(element, "ContentType"),
        format=_field(element, "Format"),
        encoded_size=size,
        encoded=encoded,
        source=source,
    )
