"""append_trace adds one TraceHeader as raw bytes and leaves every other byte alone."""

from __future__ import annotations

import pytest

from axis.edxml import NS, build, load, parse
from axis.edxml.trace import append_trace
from tests.support.samples import SAMPLES

from .conftest import document, status

STAMP = "2024/03/02 10:00:00"


def split_at_insertion(before: bytes, after: bytes) -> tuple[int, bytes]:
    """The offset of the first difference and the inserted bytes; asserts the rest is equal."""
    at = next(i for i in range(len(before)) if before[i] != after[i])
    inserted = after[at : at + len(after) - len(before)]
    assert after[:at] == before[:at]
    assert after[at + len(inserted) :] == before[at:]
    return at, inserted


@pytest.mark.parametrize(
    "name", ["edoc_replacement.edxml", "edoc_update.edxml", "edoc_revocation.edxml"]
)
def test_trace_is_inserted_after_the_last_trace_header_of_a_sample(name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    out = append_trace(data, "000.00.00.H53", STAMP)
    at, inserted = split_at_insertion(data, out)
    assert data[:at].endswith(b"</edXML:TraceHeader>")
    assert inserted.startswith(b"<edXML:TraceHeader>") and inserted.endswith(
        b"</edXML:TraceHeader>"
    )
    traces = parse(load(out).root).traces
    assert len(traces) == 2 and (traces[-1].organ_id, traces[-1].timestamp) == (
        "000.00.00.H53",
        STAMP,
    )


def test_inserted_trace_adds_no_whitespace_outside_the_element() -> None:
    data = build(document())
    _, inserted = split_at_insertion(data, append_trace(data, "000.00.00.H53", STAMP))
    assert inserted[:1] == b"<" and inserted[-1:] == b">"


def test_traces_accumulate_in_hop_order() -> None:
    data = build(document(traces=()))
    for n in range(3):
        data = append_trace(data, f"000.00.0{n}.H53", STAMP)
    assert [t.organ_id for t in parse(load(data).root).traces] == [
        "000.00.00.H53",
        "000.00.01.H53",
        "000.00.02.H53",
    ]


def test_empty_trace_list_gets_its_first_trace_at_its_start() -> None:
    data = build(document(traces=()))
    out = append_trace(data, "000.00.00.H53", STAMP)
    at, _ = split_at_insertion(data, out)
    assert data[:at].endswith(b"<edXML:TraceHeaderList>")
    pkg = parse(load(out).root)
    assert len(pkg.traces) == 1 and pkg.business is not None


def test_package_without_trace_list_gets_one_after_message_header() -> None:
    data = build(status())
    out = append_trace(data, "000.00.00.H53", STAMP)
    at, inserted = split_at_insertion(data, out)
    assert data[:at].endswith(b"</edXML:MessageHeader>")
    assert inserted.startswith(f'<TraceHeaderList xmlns="{NS}">'.encode())
    root = load(out).root
    assert (
        root.find(f".//{{{NS}}}TraceHeaderList/{{{NS}}}TraceHeader/{{{NS}}}OrganId").text
        == "000.00.00.H53"
    )


def test_comments_mentioning_trace_headers_do_not_confuse_the_splice() -> None:
    data = build(document()).replace(
        b"<edXML:TraceHeaderList>", b"<edXML:TraceHeaderList><!-- </edXML:TraceHeader> -->", 1
    )
    out = append_trace(data, "000.00.00.H53", STAMP)
    assert [t.timestamp for t in parse(load(out).root).traces][-1] == STAMP


def test_organ_id_is_escaped_and_timestamp_must_be_well_formed() -> None:
    data = build(document())
    out = append_trace(data, "a<&>b", STAMP)
    assert parse(load(out).root).traces[-1].organ_id == "a<&>b"
    with pytest.raises(ValueError):
        append_trace(data, "000.00.00.H53", "2024-03-02")
