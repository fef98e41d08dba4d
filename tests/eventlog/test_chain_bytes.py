"""The bytes and hashes of the delivery log's chain do not move (axis/eventlog/chain.py).

Rows written by earlier versions must still verify, so the canonical form is pinned by a
digest computed on 2026-12-03 with ``json.dumps(values, ensure_ascii=False,
separators=(",", ":"))``, before the encoder was built once (axis/compact_json.py)."""

from __future__ import annotations

import json

import pytest

from axis import compact_json
from axis.eventlog.chain import GENESIS, canonical, chain_hash, content_digest, links
from axis.eventlog.event import CONTENT_FIELDS, Event

TRICKY = Event(
    kind="routed", at="2026-12-03T15:00:00.123Z", doc_id='d"1\\', delivery_id="\x00\x1f\x7f",
    agency="000.00.00.G22", system_id="s\u2028", actor="hub:axis", hop="Hà Nội", code="06",
    ref="12/QĐ-UBND", detail="tab\there\nnew \U0001f600 \ud7ff",
)  # fmt: skip


def test_an_events_canonical_bytes_and_hashes_are_those_of_earlier_versions() -> None:
    values = [getattr(TRICKY, f) for f in CONTENT_FIELDS]
    assert (
        canonical(TRICKY) == json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()
    )
    assert content_digest(TRICKY) == (
        "455b587c7490f9a39076dcc3f89334971fe4cb9d345952d616ee2f10e3aca216"
    )
    assert chain_hash(GENESIS, TRICKY) == (
        "2af7d0412a6ff7883d956230526aa88dfa03c2aee2fcade2292c04df300cebb8"
    )


def test_links_of_a_run_of_events_are_chain_hash_one_by_one() -> None:
    events = [TRICKY, Event(kind="fetched", doc_id="x"), Event(kind="acked", detail="é")]
    prev, expected = GENESIS, []
    for event in events:
        expected.append((prev, chain_hash(prev, event)))
        prev = expected[-1][1]
    assert links(GENESIS, ([getattr(e, f) for f in CONTENT_FIELDS] for e in events)) == expected
    assert links(GENESIS, []) == []


@pytest.mark.parametrize(
    "value",
    [
        [],
        {},
        "".join(chr(c) for c in range(0x80)),
        ["\u2028\u2029", "\ufeff", "Tiếng Việt", "\U0001f600"],
        {"status": "OK", "ErrorCode": "0", "data": [{"a": 1, "b": 2.5, "c": None, "d": True}]},
        {"n": -0.0, "big": 10**30, "f": 1e-7, "nested": {"k": ["v", [1, [2]]]}},
    ],
)
def test_compact_json_writes_what_json_dumps_writes(value: object) -> None:
    assert compact_json.dumps(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
