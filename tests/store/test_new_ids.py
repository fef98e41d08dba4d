"""``new_ids`` (axis/store/base.py): version-4 UUID text, as str(uuid.uuid4()) writes it."""

from __future__ import annotations

import uuid

from axis.store.base import new_ids


def test_new_ids_are_distinct_version_4_uuids_in_their_usual_text_form() -> None:
    ids = new_ids(5000)
    assert len(set(ids)) == 5000
    for text in ids:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, text)
    variants = {text[19] for text in ids}
    assert variants == set("89ab")  # every variant digit turns up in 5,000 draws
    assert new_ids(0) == []
