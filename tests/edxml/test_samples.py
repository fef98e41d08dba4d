"""Every real sample in samples/vnpt gets a definite verdict under both policies.

The verdict covers what the edXML toolkit decides (load, schema, content rules); the signature
verdict belongs to axis.pki and is tested there.
"""

from __future__ import annotations

import pytest

from axis.edxml import Validator, load, parse
from axis.errors import Rejected
from tests.support.samples import SAMPLES

STATUS_FILES = [
    "status.edxml",
    "status_acceptance_03.edxml",
    "status_assignment_04.edxml",
    "status_cancellation_13.edxml",
    "status_change-acceptance_15.edxml",
    "status_change-rejection_16.edxml",
    "status_finish_06.edxml",
    "status_inbox_01.edxml",
    "status_processing_05.edxml",
    "status_rejection_02.edxml",
]

# file -> {policy: ("OK", [warning codes]) | ("REJECT", code)}
VERDICTS: dict[str, dict[str, tuple[str, object]]] = {
    # the vendor SDK's own example: undeclared xlink: and edXML: prefixes declared under
    # lenient (2.2.3), its JMeter placeholder attachment reported (2.4.14); strict refuses
    "edoc.edxml": {"lenient": ("OK", ["2.2.3", "2.4.14", "2.4.4"]), "strict": ("REJECT", "5.2.3")},
    # "1212" before <?xml: removed under lenient (provably outside the document)
    "edoc_new.edxml": {
        "lenient": ("OK", ["2.2.4", "2.4.2", "2.4.3", "2.4.4"]),
        "strict": ("REJECT", "5.2.4"),
    },
    "edoc_replacement.edxml": {"lenient": ("OK", []), "strict": ("OK", [])},
    "edoc_revocation.edxml": {"lenient": ("OK", []), "strict": ("OK", [])},
    # Bussiness/DocumentId carries the impossible date 2014/02/30
    "edoc_update.edxml": {"lenient": ("OK", ["2.4.3"]), "strict": ("REJECT", "5.4.3")},
    **{name: {"lenient": ("OK", []), "strict": ("OK", [])} for name in STATUS_FILES},
}


def verdict(name: str, policy: str) -> tuple[str, object]:
    data = (SAMPLES / name).read_bytes()
    try:
        loaded = load(data, policy=policy)
        pkg = parse(loaded.root)
        findings = loaded.findings + Validator(policy).validate(loaded.root, pkg)
    except Rejected as exc:
        return ("REJECT", exc.code.code)
    return ("OK", sorted(f.code for f in findings))


def test_every_sample_file_has_a_recorded_verdict() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.edxml")) == sorted(VERDICTS)


@pytest.mark.parametrize("policy", ["lenient", "strict"])
@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_sample_gets_its_recorded_verdict(name: str, policy: str) -> None:
    assert verdict(name, policy) == VERDICTS[name][policy]


def test_edoc_new_is_repaired_only_by_removing_the_four_leading_bytes() -> None:
    data = (SAMPLES / "edoc_new.edxml").read_bytes()
    loaded = load(data, policy="lenient")
    assert loaded.data == data[4:]
    assert data[:4] == b"1212"


def test_status_samples_parse_as_status_packages_with_their_codes() -> None:
    codes = {parse(load((SAMPLES / n).read_bytes()).root).status_code for n in STATUS_FILES}
    assert codes == {"01", "02", "03", "04", "05", "06", "13", "15", "16"}


def test_sample_business_types_are_read_from_bussiness() -> None:
    kinds = {
        n: parse(load((SAMPLES / n).read_bytes()).root).business_doc_type
        for n in (
            "edoc_new.edxml",
            "edoc_revocation.edxml",
            "edoc_update.edxml",
            "edoc_replacement.edxml",
        )
    }
    assert kinds == {
        "edoc_new.edxml": 0,
        "edoc_revocation.edxml": 1,
        "edoc_update.edxml": 2,
        "edoc_replacement.edxml": 3,
    }


def test_replacement_sample_lists_its_replaced_documents_and_agencies() -> None:
    pkg = parse(load((SAMPLES / "edoc_replacement.edxml").read_bytes()).root)
    assert pkg.business is not None
    assert [r.organ_ids for r in pkg.business.replacements] == [
        ("000.00.00.H41", "000.00.00.H14")
    ] * 2
    assert len(pkg.recipients) == 3


def test_sample_attachment_decodes_to_a_zip_of_the_announced_size(tmp_path) -> None:
    pkg = parse(load((SAMPLES / "edoc_replacement.edxml").read_bytes()).root)
    (attachment,) = pkg.attachments
    target = tmp_path / "a.bin"
    with target.open("wb") as out:
        written = attachment.decode_to(out)
    assert written == attachment.decoded_size == target.stat().st_size
    assert target.read_bytes()[:2] == b"PK"
