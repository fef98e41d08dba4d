"""A large attachment stays in the loaded tree only: the model reads it on demand, intact."""

from __future__ import annotations

import dataclasses
import os

import pytest

from axis.edxml import Validator, build, load, parse
from axis.edxml.parse import LAZY_ABOVE
from axis.errors import Rejected
from tests.edxml.conftest import document

CONTENT = os.urandom(LAZY_ABOVE)  # base64 of it is 4/3 x LAZY_ABOVE characters


def test_a_large_attachment_keeps_no_copy_of_its_text_in_the_model() -> None:
    (attachment,) = parse(load(build(document(CONTENT))).root).attachments
    assert attachment.encoded == "" and attachment.source is not None
    assert attachment.encoded_size == len(attachment.text()) > LAZY_ABOVE
    assert b"".join(attachment.iter_bytes()) == CONTENT
    assert attachment.decoded_size == len(CONTENT)


def test_a_large_attachment_round_trips_and_compares_by_content() -> None:
    pkg = document(CONTENT)
    back = parse(load(build(pkg)).root)
    assert back == pkg
    assert build(back) == build(pkg)
    assert back != document(CONTENT[:-1] + bytes([CONTENT[-1] ^ 1]))


def test_invalid_base64_in_a_large_attachment_is_refused_5_4_5() -> None:
    (good,) = document(CONTENT).attachments
    text = good.text()
    bad = dataclasses.replace(
        good, encoded=text[: len(text) // 2] + "*" + text[len(text) // 2 + 1 :]
    )
    loaded = load(build(dataclasses.replace(document(CONTENT), attachments=(bad,))))
    pkg = parse(loaded.root)
    assert pkg.attachments[0].source is not None
    with pytest.raises(Rejected) as caught:
        Validator("lenient").validate(loaded.root, pkg)
    assert caught.value.code.code == "5.4.5"
