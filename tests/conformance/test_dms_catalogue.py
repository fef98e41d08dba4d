"""The DMS catalogue in docs/conformance.md is generated from the registry, and the kit's two
targets together keep at least 40 cases covering every section of docs/domain.md."""

from __future__ import annotations

import re
from pathlib import Path

from axis.conformance.registry import cases
from axis.conformance.reports import catalogue_markdown

ROOT = Path(__file__).resolve().parents[2]
BEGIN, END = "<!-- dms-catalogue:begin -->\n", "<!-- dms-catalogue:end -->"


def test_docs_conformance_md_has_the_generated_dms_catalogue() -> None:
    text = (ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")
    table = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert table == catalogue_markdown(cases("dms")), (
        "regenerate: axis conformance dms --list --markdown (between the dms-catalogue markers)"
    )


def test_hub_and_dms_cases_cover_every_section_of_the_domain() -> None:
    every = cases("hub") + cases("dms")
    assert len(every) >= 40 and len(cases("dms")) >= 20
    sections = {int(n) for c in every for n in re.findall(r"§(\d)", c.clause)}
    assert sections >= set(range(1, 9)), sorted(set(range(1, 9)) - sections)
    for case in cases("dms"):
        assert case.title and case.hint and case.severity in ("must", "should"), case.id
