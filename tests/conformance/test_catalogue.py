"""The case registry: well-formed, covering every section of docs/domain.md, and
docs/conformance.md's catalogue is generated from it."""

from __future__ import annotations

import re
from pathlib import Path

from axis.conformance.hub.sdk_recorded import RECORDED
from axis.conformance.registry import cases
from axis.conformance.reports import catalogue_markdown

ROOT = Path(__file__).resolve().parents[2]
BEGIN, END = "<!-- catalogue:begin -->\n", "<!-- catalogue:end -->"


def test_at_least_40_cases_covering_every_section_of_the_domain() -> None:
    hub = cases("hub")
    assert len(hub) >= 40
    sections = {int(n) for c in hub for n in re.findall(r"§(\d)", c.clause)}
    assert sections >= set(range(1, 9)), sorted(set(range(1, 9)) - sections)
    for case in hub:
        assert case.title and case.hint and case.severity in ("must", "should"), case.id


def test_docs_conformance_md_has_the_generated_catalogue() -> None:
    text = (ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")
    table = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert table == catalogue_markdown(cases("hub")), (
        "regenerate: axis conformance hub --list --markdown (between the catalogue markers)"
    )


def test_the_kit_replays_the_recorded_sdk_heads_exactly() -> None:
    recordings = ROOT / "tests" / "data" / "sdk-wire"
    files = sorted(recordings.glob("*.http"))
    assert len(files) == len(RECORDED) == 10
    for path in files:
        head = path.read_bytes().partition(b"\r\n\r\n")[0].decode("utf-8") + "\r\n"
        assert RECORDED[path.stem] == head, path.name
