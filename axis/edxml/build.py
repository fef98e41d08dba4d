"""From the typed model to package bytes, in the VNPT library's canonical form.

Used by senders inside axis (receipts, status relays, tests, benchmarks). The layout follows
samples/vnpt/edoc_new.edxml: root ``edXML`` with the edXML namespace as default,
``edXML:edXMLEnvelope`` declaring the ``edXML`` prefix, MessageHeader children in docs/domain.md §3
list order, AttachmentEncoded after the envelope (unprefixed, ContentTransferEncoded prefixed
and re-declaring ``edXML`` as the sample does). Two-space indentation, LF line ends, UTF-8.
Containers that exist in every VNPT package are always written; optional elements only when
they carry something, so build(parse(load(build(p)).root)) == build(p).
"""

from __future__ import annotations

from axis.edxml import model as m
from axis.edxml.load import NS

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>']

    def open(self, depth: int, tag: str, attrs: str = "") -> None:
        self.lines.append(f"{'  ' * depth}<{tag}{attrs}>")

    def close(self, depth: int, tag: str) -> None:
        self.lines.append(f"{'  ' * depth}</{tag}>")

    def leaf(self, depth: int, tag: str, text: str, attrs: str = "") -> None:
        self.lines.append(f"{'  ' * depth}<{tag}{attrs}>{text.translate(_ESCAPES)}</{tag}>")

    def leaves(
        self, depth: int, pairs: tuple[tuple[str, str], ...], *, skip_empty: bool = False
    ) -> None:
        for name, text in pairs:
            if text or not skip_empty:
                self.leaf(depth, f"edXML:{name}", text)

    def group(self, depth: int, name: str, pairs: tuple[tuple[str, str], ...]) -> None:
        self.open(depth, f"edXML:{name}")
        self.leaves(depth + 1, pairs)
        self.close(depth, f"edXML:{name}")

    def bytes(self) -> bytes:
        return ("\n".join(self.lines) + "\n").encode("utf-8")


def build(pkg: m.DocumentPackage | m.StatusPackage) -> bytes:
    """The package as bytes (no Signature: signing inserts one, see axis.pki.xmldsig.sign)."""
    w = _Writer()
    w.open(0, "edXML", f' xmlns="{NS}"')
    w.open(1, "edXML:edXMLEnvelope", f' xmlns:edXML="{NS}"')
    w.open(2, "edXML:edXMLHeader")
    w.open(3, "edXML:MessageHeader")
    if isinstance(pkg, m.StatusPackage):
        _status_header(w, pkg)
        w.close(3, "edXML:MessageHeader")
        w.close(2, "edXML:edXMLHeader")
    else:
        _document_header(w, pkg)
        w.close(3, "edXML:MessageHeader")
        _trace_list(w, pkg)
        w.close(2, "edXML:edXMLHeader")
        _body(w, pkg)
    w.close(1, "edXML:edXMLEnvelope")
    if isinstance(pkg, m.DocumentPackage):
        _attachments(w, pkg)
    w.close(0, "edXML")
    return w.bytes()


def _organization(org: m.Organization) -> tuple[tuple[str, str], ...]:
    return (
        ("OrganId", org.organ_id),
        ("OrganizationInCharge", org.organization_in_charge),
        ("OrganName", org.organ_name),
        ("OrganAdd", org.organ_add),
        ("Email", org.email),
        ("Telephone", org.telephone),
        ("Fax", org.fax),
        ("Website", org.website),
    )


def _response_for(rf: m.ResponseFor) -> tuple[tuple[str, str], ...]:
    return (
        ("OrganId", rf.organ_id),
        ("Code", rf.code),
        ("PromulgationDate", rf.promulgation_date),
        ("DocumentId", rf.document_id),
    )


def _staff(w: _Writer, depth: int, staff: m.StaffInfo | None) -> None:
    if staff is not None:
        pairs = (
            ("Department", staff.department),
            ("Staff", staff.staff),
            ("Email", staff.email),
            ("Mobile", staff.mobile),
        )
        w.group(depth, "StaffInfo", pairs)


def _status_header(w: _Writer, pkg: m.StatusPackage) -> None:
    w.group(4, "From", _organization(pkg.sender))
    w.group(4, "ResponseFor", _response_for(pkg.response_for))
    _staff(w, 4, pkg.staff)
    w.leaves(
        4,
        (
            ("StatusCode", pkg.status_code),
            ("Description", pkg.description),
            ("Timestamp", pkg.timestamp),
        ),
    )


def _document_header(w: _Writer, pkg: m.DocumentPackage) -> None:
    w.group(4, "From", _organization(pkg.sender))
    for recipient in pkg.recipients:
        w.group(4, "To", _organization(recipient))
    w.leaf(4, "edXML:DocumentId", pkg.document_id)
    w.group(
        4, "Code", (("CodeNumber", pkg.code.code_number), ("CodeNotation", pkg.code.code_notation))
    )
    promulgation = (
        ("Place", pkg.promulgation.place),
        ("PromulgationDate", pkg.promulgation.promulgation_date),
    )
    w.group(4, "PromulgationInfo", promulgation)
    kind = pkg.document_type
    w.group(
        4,
        "DocumentType",
        (("Type", kind.type), ("TypeDetail", kind.type_detail), ("TypeName", kind.type_name)),
    )
    w.leaves(4, (("Subject", pkg.subject), ("Content", pkg.content)))
    signer = pkg.signer
    w.group(
        4,
        "SignerInfo",
        (
            ("Competence", signer.competence),
            ("Position", signer.position),
            ("FullName", signer.full_name),
        ),
    )
    w.leaf(4, "edXML:DueDate", pkg.due_date)
    _other_info(w, pkg.other_info)
    for response in pkg.response_for:
        w.group(4, "ResponseFor", _response_for(response))
    w.leaves(4, (("SteeringType", pkg.steering_type),), skip_empty=True)
    if pkg.response_for_task:
        w.group(4, "ResponseForTask", (("TaskCode", pkg.response_for_task),))
    w.leaves(4, (("ApplicationType", pkg.application_type),), skip_empty=True)
    if pkg.to_places:
        w.group(4, "ToPlaces", tuple(("Place", place) for place in pkg.to_places))


def _other_info(w: _Writer, info: m.OtherInfo) -> None:
    w.open(4, "edXML:OtherInfo")
    pairs = (
        ("Priority", info.priority),
        ("SphereOfPromulgation", info.sphere_of_promulgation),
        ("TyperNotation", info.typer_notation),
        ("PromulgationAmount", info.promulgation_amount),
        ("PageAmount", info.page_amount),
        ("Direction", info.direction),
    )
    w.leaves(5, pairs)
    if info.appendixes:
        w.group(5, "Appendixes", tuple(("Appendix", text) for text in info.appendixes))
    w.close(4, "edXML:OtherInfo")


def _trace_list(w: _Writer, pkg: m.DocumentPackage) -> None:
    # always written, so a hub can append a TraceHeader without creating signed structure
    w.open(3, "edXML:TraceHeaderList")
    for trace in pkg.traces:
        w.group(4, "TraceHeader", (("OrganId", trace.organ_id), ("Timestamp", trace.timestamp)))
    if pkg.business is not None:
        _business(w, pkg.business)
    w.close(3, "edXML:TraceHeaderList")


def _business(w: _Writer, business: m.Business) -> None:
    w.open(4, "edXML:Bussiness")  # sic: the standard's spelling (docs/domain.md §3)
    w.leaves(5, (("DocumentId", business.document_id),), skip_empty=True)
    w.leaves(
        5,
        (
            ("BussinessDocType", str(business.doc_type)),
            ("BussinessDocReason", business.reason),
            ("Paper", business.paper),
        ),
    )
    if business.document_info is not None:
        _document_info(w, business.document_info)
    if business.replacements:
        w.open(5, "edXML:ReplacementInfoList")
        for item in business.replacements:
            w.open(6, "edXML:ReplacementInfo")
            w.leaf(7, "edXML:DocumentId", item.document_id)
            w.group(7, "OrganIdList", tuple(("OrganId", organ) for organ in item.organ_ids))
            w.close(6, "edXML:ReplacementInfo")
        w.close(5, "edXML:ReplacementInfoList")
    _staff(w, 5, business.staff)
    w.close(4, "edXML:Bussiness")


def _document_info(w: _Writer, info: m.BussinessDocumentInfo) -> None:
    w.open(5, "edXML:BussinessDocumentInfo")
    w.leaves(
        6, (("DocumentInfo", info.document_info), ("DocumentReceiver", info.document_receiver))
    )
    w.open(6, "edXML:ReceiverList")
    for receiver in info.receivers:
        w.group(
            7,
            "Receiver",
            (("OrganId", receiver.organ_id), ("ReceiverType", receiver.receiver_type)),
        )
    w.close(6, "edXML:ReceiverList")
    w.close(5, "edXML:BussinessDocumentInfo")


def _body(w: _Writer, pkg: m.DocumentPackage) -> None:
    w.open(2, "edXML:edXMLBody")
    w.open(3, "edXML:edXMLManifest", ' version="1.0"')
    for ref in pkg.references:
        pairs = (
            ("ContentId", ref.content_id),
            ("ContentType", ref.content_type),
            ("Description", ref.description),
            ("AttachmentName", ref.attachment_name),
        )
        w.group(4, "Reference", pairs)
    w.close(3, "edXML:edXMLManifest")
    w.close(2, "edXML:edXMLBody")


def _attachments(w: _Writer, pkg: m.DocumentPackage) -> None:
    w.open(1, "AttachmentEncoded")
    for att in pkg.attachments:
        w.open(2, "Attachment")
        w.leaf(3, "ContentId", att.content_id)
        w.leaf(3, "AttachmentName", att.attachment_name)
        w.leaf(3, "Description", att.description)
        w.leaf(3, "ContentType", att.content_type)
        if att.format:
            w.leaf(3, "Format", att.format)
        w.leaf(3, "edXML:ContentTransferEncoded", att.text(), f' xmlns:edXML="{NS}"')
        w.close(2, "Attachment")
    w.close(1, "AttachmentEncoded")
