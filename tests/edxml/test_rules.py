"""Content rules: each refuses under strict and warns under lenient, or always refuses."""

from __future__ import annotations

import dataclasses

import pytest

from axis.edxml import (
    Attachment,
    Business,
    DocumentPackage,
    PromulgationInfo,
    Reference,
    ResponseFor,
    StatusPackage,
    TraceHeader,
    Validator,
    build,
    load,
    parse,
)
from axis.errors import Rejected

from .conftest import document, status


def verdicts(pkg: DocumentPackage | StatusPackage) -> tuple[object, object]:
    """(lenient warning codes or REJECT code, strict ...) for a built package."""
    out = []
    for policy in ("lenient", "strict"):
        loaded = load(build(pkg), policy=policy)
        try:
            out.append(
                sorted(f.code for f in Validator(policy).validate(loaded.root, parse(loaded.root)))
            )
        except Rejected as exc:
            out.append(exc.code.code)
    return tuple(out)


def test_a_clean_package_has_no_findings_in_either_policy() -> None:
    assert verdicts(document()) == ([], [])
    assert verdicts(status()) == ([], [])


def test_nonstandard_organ_id_is_5_4_2_strict_2_4_2_lenient() -> None:
    to = (dataclasses.replace(document().recipients[0], organ_id="vxp.saas.03"),)
    assert verdicts(document(recipients=to)) == (["2.4.2"], "5.4.2")


def test_impossible_promulgation_date_is_5_4_3_strict_2_4_3_lenient() -> None:
    pkg = document(promulgation=PromulgationInfo("Tây Ninh", "2014/02/30"), due_date="")
    assert verdicts(pkg) == (["2.4.3"], "5.4.3")


def test_wrongly_formatted_due_date_is_a_date_finding() -> None:
    assert verdicts(document(due_date="15-03-2024")) == (["2.4.3"], "5.4.3")


def test_empty_due_date_is_allowed() -> None:
    assert verdicts(document(due_date="")) == ([], [])


def test_due_date_before_promulgation_is_5_4_4_strict_2_4_4_lenient() -> None:
    assert verdicts(document(due_date="2024/02/01")) == (["2.4.4"], "5.4.4")


def test_malformed_trace_timestamp_is_5_4_13_strict_2_4_13_lenient() -> None:
    assert verdicts(document(traces=(TraceHeader("000.00.00.H53", "2024-03-01T08:00"),))) == (
        ["2.4.13"],
        "5.4.13",
    )


def test_malformed_status_timestamp_is_5_4_13_strict_2_4_13_lenient() -> None:
    assert verdicts(status(timestamp="2024/03/01")) == (["2.4.13"], "5.4.13")


def test_malformed_document_id_is_5_4_8_strict_2_4_8_lenient() -> None:
    assert verdicts(document(document_id="123/UBND-VP")) == (["2.4.8"], "5.4.8")


def test_guid_document_id_is_accepted() -> None:
    assert verdicts(document(document_id="9fbfbad2-f1f8-4256-a2eb-50fb1061cddb")) == ([], [])


def test_missing_recipient_is_always_5_5_2() -> None:
    assert verdicts(document(recipients=())) == ("5.5.2", "5.5.2")


def test_empty_sender_or_document_id_is_always_5_4_9() -> None:
    empty_from = dataclasses.replace(document().sender, organ_id="")
    assert verdicts(document(sender=empty_from)) == ("5.4.9", "5.4.9")
    assert verdicts(document(document_id="")) == ("5.4.9", "5.4.9")


def test_empty_subject_is_5_4_9_strict_2_4_9_lenient() -> None:
    assert verdicts(document(subject="")) == (["2.4.9"], "5.4.9")


def test_revoke_without_an_original_document_is_5_4_9_strict_2_4_9_lenient() -> None:
    assert verdicts(document(business=Business(1, "thu hồi"))) == (["2.4.9"], "5.4.9")


def test_status_without_document_or_with_empty_code_is_always_5_4_9() -> None:
    assert verdicts(status(response_for=ResponseFor("000.00.00.H53"))) == ("5.4.9", "5.4.9")
    assert verdicts(status(status_code=" ")) == ("5.4.9", "5.4.9")


@pytest.mark.parametrize("code", ["00", "07", "14", "1", "99"])
def test_unknown_status_code_is_always_5_4_7(code: str) -> None:
    assert verdicts(status(status_code=code)) == ("5.4.7", "5.4.7")


def test_business_doc_type_outside_0_to_3_is_always_5_6_10() -> None:
    assert verdicts(document(business=Business(4, "?"))) == ("5.6.10", "5.6.10")


def test_attachment_that_is_not_base64_is_always_5_4_5() -> None:
    bad = dataclasses.replace(document().attachments[0], encoded="not*base64!")
    assert verdicts(document(attachments=(bad,))) == ("5.4.5", "5.4.5")


def test_attachment_placeholder_is_5_4_14_strict_2_4_14_lenient() -> None:
    bad = dataclasses.replace(document().attachments[0], encoded="${__StringFromFile(test.txt,,,)}")
    assert verdicts(document(attachments=(bad,))) == (["2.4.14"], "5.4.14")


def test_manifest_mismatch_is_5_4_6_strict_2_4_6_lenient() -> None:
    ref = Reference("cid:2", "application/pdf", "x", "cong-van.SIGNED.PDF")
    assert verdicts(document(references=(ref,))) == (["2.4.6"], "5.4.6")


def test_content_ids_match_ignoring_the_cid_prefix() -> None:
    ref = dataclasses.replace(document().references[0], content_id="1")
    assert verdicts(document(references=(ref,))) == ([], [])


def test_field_over_its_limit_is_5_4_11_strict_2_4_11_lenient() -> None:
    pkg = document(code=dataclasses.replace(document().code, code_number="123456789012"))
    assert verdicts(pkg) == (["2.4.11"], "5.4.11")


def test_unsafe_attachment_name_is_sanitised_with_2_4_10() -> None:
    att = dataclasses.replace(document().attachments[0], attachment_name="../../etc/passwd")
    ref = dataclasses.replace(document().references[0], attachment_name="../../etc/passwd")
    assert verdicts(document(attachments=(att,), references=(ref,))) == (["2.4.10"], ["2.4.10"])


def test_empty_attachment_name_is_always_5_4_10() -> None:
    att = Attachment.from_bytes(b"x", content_id="cid:1", attachment_name="")
    assert verdicts(document(attachments=(att,))) == ("5.4.10", "5.4.10")


def test_empty_placeholder_response_for_is_ignored() -> None:
    text = build(document()).decode()
    empty = (
        "<edXML:ResponseFor><edXML:OrganId></edXML:OrganId><edXML:Code></edXML:Code>"
        "<edXML:PromulgationDate></edXML:PromulgationDate><edXML:DocumentId></edXML:DocumentId></edXML:ResponseFor>"
    )
    text = text.replace("<edXML:SteeringType>", empty + "<edXML:SteeringType>")
    loaded = load(text.encode(), policy="strict")
    pkg = parse(loaded.root)
    assert pkg.response_for == ()
    assert Validator("strict").validate(loaded.root, pkg) == []
