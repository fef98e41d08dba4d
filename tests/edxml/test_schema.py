"""The XSDs catch real structural mistakes and accept what real SDKs send."""

from __future__ import annotations

import pytest

from axis.edxml import NS, Validator, build, load, parse
from axis.errors import Rejected

from .conftest import document, status

VALIDATOR = Validator("lenient")


def check(data: bytes) -> list[str]:
    loaded = load(data)
    return [f.code for f in VALIDATOR.validate(loaded.root, parse(loaded.root))]


def schema_detail(data: bytes) -> str:
    loaded = load(data)
    with pytest.raises(Rejected) as info:
        VALIDATOR.validate(loaded.root, parse(loaded.root))
    assert info.value.code.code == "5.4.1"
    return info.value.detail


def doc() -> str:
    return build(document()).decode()


def test_missing_from_is_a_schema_failure_naming_from() -> None:
    text = (
        doc().replace("<edXML:From>", "<edXML:Sender>").replace("</edXML:From>", "</edXML:Sender>")
    )
    detail = schema_detail(text.encode())
    assert "MessageHeader" in detail and "Sender" in detail


def test_two_from_elements_are_refused_as_ambiguous_before_the_schema_5_4_16() -> None:
    text = doc()
    start, end = text.index("<edXML:From>"), text.index("</edXML:From>") + len("</edXML:From>")
    with pytest.raises(Rejected) as info:
        parse(load((text[:end] + text[start:end] + text[end:]).encode()).root)
    assert info.value.code.code == "5.4.16"


def test_missing_message_header_is_refused_5_4_1() -> None:
    text = doc()
    start = text.index("<edXML:MessageHeader>")
    end = text.index("</edXML:MessageHeader>") + len("</edXML:MessageHeader>")
    with pytest.raises(Rejected) as info:
        parse(load((text[:start] + text[end:]).encode()).root)
    assert info.value.code.code == "5.4.1"


def test_missing_envelope_is_refused_5_4_1() -> None:
    data = b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><Other/></edXML>'
    with pytest.raises(Rejected) as info:
        parse(load(data).root)
    assert info.value.code.code == "5.4.1"


def test_wrong_nesting_is_a_schema_failure() -> None:
    text = doc().replace("<edXML:Subject>", "<edXML:OrganId>x</edXML:OrganId><edXML:Subject>", 1)
    assert "OrganId" in schema_detail(text.encode())


def test_text_in_a_container_is_a_schema_failure() -> None:
    schema_detail(doc().replace("<edXML:Code>", "<edXML:Code>stray text", 1).encode())


def test_element_inside_a_text_field_is_a_schema_failure() -> None:
    schema_detail(
        doc().replace("<edXML:Subject>", "<edXML:Subject><edXML:b>x</edXML:b>", 1).encode()
    )


def test_non_integer_business_doc_type_is_refused_5_4_1() -> None:
    data = doc().replace("<edXML:BussinessDocType>0<", "<edXML:BussinessDocType>new<").encode()
    loaded = load(data)
    with pytest.raises(Rejected) as info:
        VALIDATOR.validate(loaded.root, document())  # the schema alone refuses it
    assert info.value.code.code == "5.4.1" and "BussinessDocType" in info.value.detail
    with pytest.raises(Rejected) as info:
        parse(loaded.root)  # and parse cannot read it either
    assert info.value.code.code == "5.4.1"


def test_business_spelling_and_manifest_alias_are_accepted() -> None:
    text = doc().replace("Bussiness>", "Business>").replace("edXMLManifest", "Manifest")
    assert check(text.encode()) == []
    assert parse(load(text.encode()).root).business_doc_type == 0


def test_attachments_outside_the_namespace_are_accepted() -> None:
    text = doc().replace("<AttachmentEncoded>", '<AttachmentEncoded xmlns="">')
    pkg = parse(load(text.encode()).root)
    assert pkg.attachments[0].attachment_name == "cong-van.SIGNED.PDF"
    assert check(text.encode()) == []


def test_prefixed_attachments_and_content_id_without_cid_are_accepted() -> None:
    text = (
        doc()
        .replace("<Attachment>", "<edXML:Attachment>")
        .replace("</Attachment>", "</edXML:Attachment>")
    )
    text = text.replace("<AttachmentEncoded>", f'<AttachmentEncoded xmlns:edXML="{NS}">')
    text = text.replace("<ContentId>cid:1</ContentId>", "<ContentId>1</ContentId>")
    assert check(text.encode()) == []


def test_any_message_header_order_is_accepted() -> None:
    text = doc()
    start = text.index("        <edXML:From>")
    end = text.index("</edXML:From>\n") + len("</edXML:From>\n")
    moved = text[:start] + text[end:]
    moved = moved.replace(
        "      </edXML:MessageHeader>", text[start:end] + "      </edXML:MessageHeader>"
    )
    assert check(moved.encode()) == []


def test_signature_in_either_namespace_and_comments_are_accepted() -> None:
    dsig = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>'
    plain = "<Signature><SignedInfo><Reference URI=''/></SignedInfo></Signature><!-- c -->"
    for signature in (dsig, plain):
        text = doc().replace("    </edXML:edXMLHeader>", signature + "</edXML:edXMLHeader>")
        assert check(text.encode()) == []


def test_status_package_uses_the_status_schema() -> None:
    assert check(build(status())) == []
    text = (
        build(status())
        .decode()
        .replace("<edXML:StatusCode>", "<edXML:Subject>x</edXML:Subject><edXML:StatusCode>")
    )
    assert "Subject" in schema_detail(text.encode())


def test_explain_lists_problems_with_their_path() -> None:
    text = (
        doc()
        .replace("<edXML:Subject>", "<edXML:Subjekt>")
        .replace("</edXML:Subject>", "</edXML:Subjekt>")
    )
    problems = VALIDATOR.explain(load(text.encode()).root)
    assert problems and problems[0].startswith("/edXML/edXMLEnvelope/edXMLHeader/MessageHeader")
    assert VALIDATOR.explain(load(build(document())).root) == []


def test_xmldsig_signature_before_message_header_is_left_to_the_signature_stage() -> None:
    dsig = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>'
    text = doc().replace("<edXML:MessageHeader>", dsig + "<edXML:MessageHeader>", 1)
    assert check(text.encode()) == []


def test_signature_in_the_body_is_a_schema_failure() -> None:
    dsig = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>'
    text = doc().replace("</edXML:edXMLBody>", dsig + "</edXML:edXMLBody>", 1)
    assert "edXMLBody" in schema_detail(text.encode())
