"""build() writes the canonical VNPT form and is byte-stable through load and parse."""

from __future__ import annotations

import dataclasses

import pytest

from axis.edxml import NS, Business, DocumentPackage, StatusPackage, Validator, build, load, parse
from tests.support.samples import SAMPLES

from .conftest import document, status


def roundtrip(pkg: DocumentPackage | StatusPackage) -> bytes:
    return build(parse(load(build(pkg)).root))


def test_document_build_parse_build_is_byte_identical() -> None:
    pkg = document()
    assert roundtrip(pkg) == build(pkg)


def test_status_build_parse_build_is_byte_identical() -> None:
    pkg = status()
    assert roundtrip(pkg) == build(pkg)


def test_parse_of_build_gives_back_the_same_model() -> None:
    pkg = document()
    assert parse(load(build(pkg)).root) == pkg


def test_minimal_document_without_optional_parts_is_stable() -> None:
    pkg = DocumentPackage(
        sender=document().sender, recipients=document().recipients, document_id="x"
    )
    assert roundtrip(pkg) == build(pkg)
    assert parse(load(build(pkg)).root) == pkg


def test_every_business_type_with_replacements_is_stable() -> None:
    from axis.edxml import BussinessDocumentInfo, Receiver, ReplacementInfo

    for kind in (1, 2, 3):
        business = Business(
            kind,
            "lý do",
            "000.00.00.H53,2024/01/01,1/UBND",
            "0",
            None,
            BussinessDocumentInfo("1", "1", (Receiver("000.00.00.H41", "0"),)),
            (
                ReplacementInfo(
                    "000.00.00.H53,2024/01/01,1/UBND", ("000.00.00.H41", "000.00.00.H14")
                ),
            ),
        )
        pkg = document(business=business)
        assert roundtrip(pkg) == build(pkg)
        assert parse(load(build(pkg)).root) == pkg


def test_special_characters_survive_escaping() -> None:
    pkg = document(subject="a & b < c > d \"e\" 'f'\r\nline", content="]]> tricky")
    back = parse(load(build(pkg)).root)
    assert back.subject == pkg.subject and back.content == pkg.content


@pytest.mark.parametrize(
    "name",
    [
        "edoc_new.edxml",
        "edoc_replacement.edxml",
        "edoc_revocation.edxml",
        "edoc_update.edxml",
        "status.edxml",
    ],
)
def test_sample_models_survive_build_and_parse(name: str) -> None:
    pkg = parse(load((SAMPLES / name).read_bytes()).root)
    assert parse(load(build(pkg)).root) == pkg


def test_build_writes_the_sample_namespace_layout() -> None:
    text = build(document()).decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="' + NS + '">\n')
    assert f'  <edXML:edXMLEnvelope xmlns:edXML="{NS}">' in text
    assert "  <AttachmentEncoded>\n    <Attachment>\n      <ContentId>cid:1</ContentId>" in text
    assert f'<edXML:ContentTransferEncoded xmlns:edXML="{NS}">' in text


def test_message_header_children_follow_the_vnpt_order() -> None:
    root = load(build(document())).root
    header = root.find(f"{{{NS}}}edXMLEnvelope/{{{NS}}}edXMLHeader/{{{NS}}}MessageHeader")
    names = [child.tag.split("}")[1] for child in header]
    assert names == [
        "From", "To", "To", "DocumentId", "Code", "PromulgationInfo", "DocumentType", "Subject",
        "Content", "SignerInfo", "DueDate", "OtherInfo", "SteeringType", "ToPlaces",
    ]  # fmt: skip


def test_built_packages_pass_strict_validation() -> None:
    for pkg in (document(), status()):
        loaded = load(build(pkg), policy="strict")
        assert Validator("strict").validate(loaded.root, parse(loaded.root)) == []


def test_built_attachment_decodes_to_the_original_bytes() -> None:
    content = bytes(range(256)) * 1000
    (attachment,) = parse(load(build(document(content))).root).attachments
    assert b"".join(attachment.iter_bytes(chunk_chars=1000)) == content


def test_status_build_has_no_body_or_attachments() -> None:
    text = build(dataclasses.replace(status(), staff=None)).decode()
    assert "edXMLBody" not in text and "AttachmentEncoded" not in text and "StaffInfo" not in text


def test_an_attachment_beyond_libxml2s_default_text_limit_is_accepted() -> None:
    content = bytes(range(256)) * (8_000_000 // 256)  # ~10.7 MB of base64 in one text node
    loaded = load(build(document(content)))
    pkg = parse(loaded.root)
    assert Validator("strict").validate(loaded.root, pkg) == []
    assert pkg.attachments[0].decoded_size == len(content)
