"""``new_ids`` (axis/store/base.py): time-ordered UUIDs (version 7) in their usual text form."""

from __future__ import annotations

import time
import uuid

from axis.store.base import new_ids


def test_new_ids_are_distinct_version_7_uuids_in_their_usual_text_form() -> None:
    before = time.time_ns() // 1_000_000
    ids = new_ids(5000)
    after = time.time_ns() // 1_000_000
    assert len(set(ids)) == 5000
    for text in ids:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (7, uuid.RFC_4122, text)
        assert before <= parsed.int >> 80 <= after  # the first 48 bits: milliseconds
    assert {text[19] for text in ids} == set("89ab")  # every variant digit in 5,000 draws
    assert len({text[15:18] for text in ids}) > 1000  # the bits after the version are random
    assert new_ids(0) == []


def test_later_ids_sort_after_earlier_ones() -> None:
    first = new_ids(3)
    time.sleep(0.002)
    assert max(first) < min(new_ids(3))
