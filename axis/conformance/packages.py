"""Packages the kit sends: built with axis's edXML writer, signed with an agency's key.

Every document gets a DocumentId unique to the run (docs/domain.md §3: OrganId,yyyy/MM/dd,
Number/Notation), so cases never collide with each other or with an earlier run against the
same hub. ``tamper`` and friends make the bad inputs the refusal cases need.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from axis.edxml import build
from axis.edxml.model import (
    Attachment,
    Business,
    Code,
    DocumentPackage,
    Organization,
    PromulgationInfo,
    Reference,
    ResponseFor,
    StaffInfo,
    StatusPackage,
)
from axis.pki.signing import sign

_RUN = uuid.uuid4().hex[:8].upper()
_numbers = itertools.count(1)
_PDF = b"%PDF-1.4\n% axis conformance kit: test attachment\n%%EOF\n"


@dataclass(frozen=True)
class KeyPair:
    """An agency's signing key, certificate and chain (PEM files in a dev-PKI layout)."""

    key: Path
    cert: Path
    chain: Path

    @classmethod
    def at(cls, folder: Path) -> KeyPair:
        return cls(folder / "key.pem", folder / "cert.pem", folder / "chain.pem")

    @property
    def usable(self) -> bool:
        return self.key.is_file() and self.cert.is_file()

    def sign(self, data: bytes) -> bytes:
        chain = self.chain.read_bytes() if self.chain.is_file() else b""
        return sign(data, self.key.read_bytes(), self.cert.read_bytes(), chain_pem=chain)


def today() -> str:
    return f"{datetime.now():%Y/%m/%d}"


def document(
    sender: str,
    recipients: tuple[str, ...],
    *,
    document_id: str | None = None,
    doc_type: int = 0,
    original: str = "",
) -> DocumentPackage:
    """A complete new document (or revoke/update/replace of ``original``)."""
    number = next(_numbers)
    cid = f"cid:{uuid.uuid4()}"
    name = f"congvan-{number}.SIGNED.pdf"
    return DocumentPackage(
        sender=Organization(organ_id=sender, organ_name=f"Cơ quan gửi {sender}"),
        recipients=tuple(
            Organization(organ_id=r, organ_name=f"Cơ quan nhận {r}") for r in recipients
        ),
        document_id=document_id or f"{sender},{today()},{number}/KIT-{_RUN}",
        code=Code(code_number=str(number), code_notation=f"KIT-{_RUN}"),
        promulgation=PromulgationInfo(place="Hà Nội", promulgation_date=today()),
        subject=f"Kiểm thử hợp chuẩn số {number}",
        content="Văn bản của bộ kiểm thử hợp chuẩn",
        business=Business(doc_type=doc_type, reason="kiểm thử", document_id=original, paper="0"),
        references=(
            Reference(content_id=cid, content_type="application/pdf", attachment_name=name),
        ),
        attachments=(
            Attachment.from_bytes(
                _PDF, content_id=cid, attachment_name=name, content_type="application/pdf"
            ),
        ),
    )


def new_id(pkg: DocumentPackage) -> DocumentPackage:
    """The same document under a fresh DocumentId."""
    number = next(_numbers)
    return replace(pkg, document_id=f"{pkg.sender.organ_id},{today()},{number}/KIT-{_RUN}")


def status(reporter: str, original: DocumentPackage, code: str) -> StatusPackage:
    """A business status (docs/domain.md §5) about ``original``."""
    return StatusPackage(
        sender=Organization(organ_id=reporter, organ_name=f"Cơ quan báo {reporter}"),
        response_for=ResponseFor(
            organ_id=original.sender.organ_id,
            code=f"{original.code.code_number}/{original.code.code_notation}",
            promulgation_date=original.promulgation.promulgation_date,
            document_id=original.document_id,
        ),
        staff=StaffInfo(department="Văn thư", staff="Kiểm thử"),
        status_code=code,
        description=f"trạng thái {code} (báo cáo {next(_numbers)})",  # never the same bytes
        timestamp=f"{datetime.now():%Y/%m/%d %H:%M:%S}",
    )


def write(pkg: DocumentPackage | StatusPackage) -> bytes:
    return build(pkg)


def tamper(signed: bytes) -> bytes:
    """Change one character of the signed subject (after signing)."""
    marker = "Kiểm thử hợp chuẩn số".encode()
    if marker not in signed:
        raise ValueError("no subject to tamper with")
    return signed.replace(marker, "Kiểm thử hợp chuẩn SỐ".encode(), 1)
