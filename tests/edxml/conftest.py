"""Shared fixtures for the edXML toolkit tests: the real samples and a package factory."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from axis.edxml import (
    Attachment,
    Business,
    Code,
    DocumentPackage,
    DocumentType,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Reference,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusPackage,
    TraceHeader,
)


def org(organ_id: str, name: str = "UBND Tỉnh Tây Ninh") -> Organization:
    return Organization(
        organ_id=organ_id,
        organization_in_charge=name,
        organ_name=name,
        organ_add="Số 1, đường 30/4, Tây Ninh",
        email="vanthu@tayninh.gov.vn",
        telephone="0276 3822 000",
        fax="0276 3822 001",
        website="tayninh.gov.vn",
    )


def document(payload: bytes = b"%PDF-1.4 test\n", **changes: object) -> DocumentPackage:
    """A complete, strictly valid document package; ``changes`` replace fields."""
    attachment = Attachment.from_bytes(
        payload,
        content_id="cid:1",
        attachment_name="cong-van.SIGNED.PDF",
        description="Công văn",
        content_type="application/pdf",
        format="pdf",
    )
    pkg = DocumentPackage(
        sender=org("000.00.00.H53"),
        recipients=(
            org("000.00.31.H53", "UBND huyện Hòa Thành"),
            org("000.00.00.G22", "Văn phòng Chính phủ"),
        ),
        document_id="000.00.00.H53,2024/03/01,123/UBND-VP",
        code=Code("123", "UBND-VP"),
        promulgation=PromulgationInfo("Tây Ninh", "2024/03/01"),
        document_type=DocumentType("1", "0", "Công văn"),
        subject="V/v kết nối & liên thông <phần mềm>",
        content="Nội dung",
        signer=SignerInfo("TM. UBND", "Chủ tịch", "Nguyễn Văn A"),
        due_date="2024/03/15",
        other_info=OtherInfo("1", "Liên thông", "VP", "2", "3", "false", ("Phụ lục 1",)),
        steering_type="1",
        to_places=("Các sở, ngành",),
        traces=(TraceHeader("000.00.00.H53", "2024/03/01 08:00:00"),),
        business=Business(
            0, "Văn bản mới", "", "0", StaffInfo("Văn thư", "Trần B", "b@x.vn", "0900")
        ),
        references=(Reference("cid:1", "application/pdf", "Công văn", "cong-van.SIGNED.PDF"),),
        attachments=(attachment,),
    )
    return dataclasses.replace(pkg, **changes)  # type: ignore[arg-type]


def status(**changes: object) -> StatusPackage:
    pkg = StatusPackage(
        sender=org("000.00.31.H53", "UBND huyện Hòa Thành"),
        response_for=ResponseFor(
            "000.00.00.H53", "123/UBND-VP", "2024/03/01", "000.00.00.H53,2024/03/01,123/UBND-VP"
        ),
        staff=StaffInfo("Văn thư", "Lê C", "c@x.vn", "0911"),
        status_code="03",
        description="Đã tiếp nhận",
        timestamp="2024/03/01 09:30:00",
    )
    return dataclasses.replace(pkg, **changes)  # type: ignore[arg-type]


@pytest.fixture
def make_document() -> Callable[..., DocumentPackage]:
    return document


@pytest.fixture
def make_status() -> Callable[..., StatusPackage]:
    return status
