"""Native records <-> edXML packages (docs/domain.md §3 document, §5 status).

Outgoing documents and statuses are built with axis.edxml.build and signed with the agency's
key (axis.pki.signing); incoming packages are read with axis's hardened loader (no DTD, no
entities, nothing loaded) and turned into native fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axis.edxml import build, load, parse
from axis.edxml import model as m
from axis.pki.signing import sign

STATUS_NAMES = {
    "01": "Đã đến",
    "02": "Từ chối",
    "03": "Đã tiếp nhận",
    "04": "Phân công",
    "05": "Đang xử lý",
    "06": "Hoàn thành",
    "13": "Yêu cầu thu hồi",
    "15": "Đồng ý thu hồi/cập nhật",
    "16": "Từ chối thu hồi/cập nhật",
}
CHANGE_KINDS = {"1": "thu hồi", "2": "cập nhật", "3": "thay thế", "13": "thu hồi (trạng thái 13)"}


def edxml_date(value: datetime) -> str:
    return value.strftime("%Y/%m/%d")


def edxml_timestamp(value: datetime) -> str:
    return value.strftime("%Y/%m/%d %H:%M:%S")


def signed(
    material: tuple[bytes, bytes, bytes], package: m.DocumentPackage | m.StatusPackage
) -> bytes:
    key, cert, chain = material
    return sign(build(package), key, cert, chain_pem=chain)


def outgoing_package(
    doc: dict[str, Any],
    sender_name: str,
    recipients: list[dict[str, Any]],
    files: list[dict[str, Any]],
) -> m.DocumentPackage:
    """A van_ban_di row (numbered, dated) as an edoc package with its attachments."""
    attachments = tuple(
        m.Attachment.from_bytes(
            f["noi_dung"],
            content_id=f"cid:{n}",
            attachment_name=f["ten_file"],
            description=f["ten_file"],
            content_type=f["loai"],
            format=f["ten_file"].rpartition(".")[2] if "." in f["ten_file"] else "",
        )
        for n, f in enumerate(files, 1)
    )
    references = tuple(
        m.Reference(
            content_id=a.content_id,
            content_type=a.content_type,
            description=a.description,
            attachment_name=a.attachment_name,
        )
        for a in attachments
    )
    return m.DocumentPackage(
        sender=m.Organization(organ_id=doc["don_vi_gui"], organ_name=sender_name),
        recipients=tuple(
            m.Organization(organ_id=r["don_vi_nhan"], organ_name=r["ten"]) for r in recipients
        ),
        document_id=doc["document_id"],
        code=m.Code(code_number=str(doc["so_di"]), code_notation=doc["ky_hieu_van_ban"]),
        promulgation=m.PromulgationInfo(
            place=doc["dia_diem_ban_hanh"], promulgation_date=doc["ngay_ban_hanh"]
        ),
        document_type=m.DocumentType(type="1", type_detail="0", type_name=doc["loai_van_ban"]),
        subject=doc["trich_yeu"],
        content=doc["noi_dung"],
        signer=m.SignerInfo(
            competence=doc["chuc_vu_nguoi_ky"],
            position=doc["chuc_vu_nguoi_ky"],
            full_name=doc["nguoi_ky"],
        ),
        other_info=m.OtherInfo(priority=str(doc["do_khan"]), promulgation_amount="1"),
        business=m.Business(doc_type=0, paper="0"),
        references=references,
        attachments=attachments,
    )


def status_package(
    reporter: str, reporter_name: str, original: dict[str, Any], code: str, note: str, staff: str
) -> m.StatusPackage:
    """A status about an incoming document (a van_ban_den row) for its original sender."""
    return m.StatusPackage(
        sender=m.Organization(organ_id=reporter, organ_name=reporter_name),
        response_for=m.ResponseFor(
            organ_id=original["co_quan_gui"],
            code=original["so_ky_hieu"],
            promulgation_date=original["ngay_ban_hanh"],
            document_id=original["van_ban_goc"] or original["document_id"],
        ),
        staff=m.StaffInfo(department="Văn thư", staff=staff),
        status_code=code,
        description=note or STATUS_NAMES[code],
        timestamp=edxml_timestamp(datetime.now()),
    )


@dataclass(frozen=True)
class Incoming:
    """What the pull loop needs from a fetched package."""

    package: m.DocumentPackage | m.StatusPackage

    @classmethod
    def read(cls, data: bytes) -> Incoming:
        """Rejected (axis.errors) when the bytes are not a package we can read."""
        return cls(parse(load(data).root))

    def document_fields(self) -> dict[str, Any]:
        """The van_ban_den columns a document package fills."""
        pkg = self.package
        assert isinstance(pkg, m.DocumentPackage)
        business = pkg.business
        changes = business.document_id if business is not None else ""
        if business is not None and business.doc_type == 3 and business.replacements:
            changes = business.replacements[0].document_id
        notation = "/".join(p for p in (pkg.code.code_number, pkg.code.code_notation) if p)
        priority = pkg.other_info.priority.strip()
        return {
            "co_quan_gui": pkg.sender.organ_id,
            "ten_co_quan_gui": pkg.sender.organ_name,
            "document_id": pkg.document_id,
            "so_ky_hieu": notation,
            "trich_yeu": pkg.subject,
            "do_khan": int(priority) if priority.isdigit() else 0,
            "ngay_ban_hanh": pkg.promulgation.promulgation_date,
            "nguoi_ky": pkg.signer.full_name,
            "loai_nghiep_vu": pkg.business_doc_type,
            "van_ban_goc": (changes or pkg.document_id) if pkg.business_doc_type else "",
            "ds_file_dinh_kem": json.dumps(
                [
                    {
                        "ten_file": a.attachment_name,
                        "loai": a.content_type,
                        "kich_thuoc": a.decoded_size,
                    }
                    for a in pkg.attachments
                ],
                ensure_ascii=False,
            ),
        }


def attachment_bytes(data: bytes, index: int) -> tuple[str, str, bytes]:
    """(name, content type, bytes) of the index-th attachment of a stored package."""
    pkg = parse(load(data).root)
    assert isinstance(pkg, m.DocumentPackage)
    attachment = pkg.attachments[index]
    return attachment.attachment_name, attachment.content_type, b"".join(attachment.iter_bytes())
