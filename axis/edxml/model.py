"""The typed edXML model: what parse() produces and build() writes.

Sits between the hardened loader (load.py) and everything downstream (intake, store, CLI):
other parts read these frozen dataclasses, never the XML tree. Field names follow the
standard's element names (docs/domain.md §3 for document packages, §5 for status packages); every
text field keeps the text exactly as received (no stripping) so build(parse(x)) is stable.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, TypedDict, Unpack

from axis.edxml import attachments as _att


@dataclass(frozen=True)
class Organization:
    """From / To (docs/domain.md §3 items 1-2); only organ_id is essential."""

    organ_id: str = ""
    organization_in_charge: str = ""
    organ_name: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(frozen=True)
class Code:
    code_number: str = ""
    code_notation: str = ""


@dataclass(frozen=True)
class PromulgationInfo:
    place: str = ""
    promulgation_date: str = ""


@dataclass(frozen=True)
class DocumentType:
    type: str = ""
    type_detail: str = ""
    type_name: str = ""


@dataclass(frozen=True)
class SignerInfo:
    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass(frozen=True)
class OtherInfo:
    """Priority 0-4, Direction a boolean as text (docs/domain.md §3 item 10)."""

    priority: str = ""
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: str = ""
    page_amount: str = ""
    direction: str = ""
    appendixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResponseFor:
    """Links a reply, recall or status to an earlier document (docs/domain.md §3 item 11, §5)."""

    organ_id: str = ""
    code: str = ""
    promulgation_date: str = ""
    document_id: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.organ_id or self.code or self.promulgation_date or self.document_id)


@dataclass(frozen=True)
class StaffInfo:
    department: str = ""
    staff: str = ""
    email: str = ""
    mobile: str = ""


@dataclass(frozen=True)
class TraceHeader:
    """One hop of the routing trace: who handled the package and when (yyyy/MM/dd HH:mm:ss)."""

    organ_id: str = ""
    timestamp: str = ""


@dataclass(frozen=True)
class ReplacementInfo:
    document_id: str = ""
    organ_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Receiver:
    organ_id: str = ""
    receiver_type: str = ""


@dataclass(frozen=True)
class BussinessDocumentInfo:
    document_info: str = ""
    document_receiver: str = ""
    receivers: tuple[Receiver, ...] = ()


@dataclass(frozen=True)
class Business:
    """TraceHeaderList/Bussiness: 0 new, 1 revoke, 2 update, 3 replace (docs/domain.md §3)."""

    doc_type: int = 0
    reason: str = ""
    document_id: str = ""
    paper: str = ""
    staff: StaffInfo | None = None
    document_info: BussinessDocumentInfo | None = None
    replacements: tuple[ReplacementInfo, ...] = ()


BUSINESS_TYPE_NAMES = {0: "new", 1: "revoke", 2: "update", 3: "replace"}


@dataclass(frozen=True)
class Reference:
    """edXMLManifest/Reference: announces one attachment by ContentId."""

    content_id: str = ""
    content_type: str = ""
    description: str = ""
    attachment_name: str = ""


class AttachmentFields(TypedDict, total=False):
    """The descriptive fields Attachment.from_bytes accepts besides the content."""

    content_id: str
    attachment_name: str
    description: str
    content_type: str
    format: str


@dataclass(frozen=True, eq=False)
class Attachment:
    """AttachmentEncoded/Attachment. ``text()`` is the base64 text as received.

    A small attachment keeps its text in ``encoded``; a large one (parse.py: LAZY_ABOVE) keeps
    only a way to read it from the loaded tree (``source``), so the model never holds a second
    copy of megabytes the tree already has; each text() call makes one transient copy.
    Decoding is lazy and streaming (decode_to / iter_bytes): at most one chunk of decoded bytes
    exists at a time besides the text.
    """

    content_id: str = ""
    attachment_name: str = ""
    description: str = ""
    content_type: str = ""
    format: str = ""
    encoded_size: int = 0
    encoded: str = field(default="", repr=False)
    source: Callable[[], str] | None = field(default=None, repr=False)

    @classmethod
    def from_bytes(cls, content: bytes, **fields: Unpack[AttachmentFields]) -> Attachment:
        """An attachment holding ``content`` (base64 on one line, as the VNPT library writes)."""
        text = base64.b64encode(content).decode("ascii")
        return cls(encoded_size=len(text), encoded=text, **fields)

    def text(self) -> str:
        """The base64 text (``encoded``, or read from the tree for a large attachment)."""
        if self.encoded or self.source is None:
            return self.encoded
        return self.source()

    def iter_bytes(self, chunk_chars: int = _att.CHUNK_CHARS) -> Iterator[bytes]:
        return _att.iter_decode(self.text(), chunk_chars)

    def decode_to(self, out: IO[bytes]) -> int:
        """Write the decoded content to ``out``; returns the number of bytes written."""
        return _att.decode_to(self.text(), out)

    @property
    def decoded_size(self) -> int:
        return _att.decoded_size(self.text())

    def _key(self) -> tuple[str, ...]:
        return (self.content_id, self.attachment_name, self.description, self.content_type,
                self.format)  # fmt: skip

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Attachment):
            return NotImplemented
        return self._key() == other._key() and self.text() == other.text()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True)
class DocumentPackage:
    """An edoc package (messagetype ``edoc``)."""

    sender: Organization = field(default_factory=Organization)
    recipients: tuple[Organization, ...] = ()
    document_id: str = ""
    code: Code = field(default_factory=Code)
    promulgation: PromulgationInfo = field(default_factory=PromulgationInfo)
    document_type: DocumentType = field(default_factory=DocumentType)
    subject: str = ""
    content: str = ""
    signer: SignerInfo = field(default_factory=SignerInfo)
    due_date: str = ""
    other_info: OtherInfo = field(default_factory=OtherInfo)
    response_for: tuple[ResponseFor, ...] = ()
    steering_type: str = ""
    response_for_task: str = ""
    application_type: str = ""
    to_places: tuple[str, ...] = ()
    traces: tuple[TraceHeader, ...] = ()
    business: Business | None = None
    references: tuple[Reference, ...] = ()
    attachments: tuple[Attachment, ...] = ()

    @property
    def business_doc_type(self) -> int:
        return self.business.doc_type if self.business is not None else 0


@dataclass(frozen=True)
class StatusPackage:
    """A business status (messagetype ``status``), docs/domain.md §5."""

    sender: Organization = field(default_factory=Organization)
    response_for: ResponseFor = field(default_factory=ResponseFor)
    staff: StaffInfo | None = None
    status_code: str = ""
    description: str = ""
    timestamp: str = ""


Package = DocumentPackage | StatusPackage
