"""The loader refuses every encoding but UTF-8, for bytes and for spooled files, and the parser
itself (safe_parser, used by load and the signer) loads nothing even when a DTD reaches it."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from lxml import etree

from axis.edxml import load, load_file
from axis.edxml.load import ExternalLoadRefused, safe_parser
from axis.errors import Rejected
from axis.pki.signing import parse as signer_parse
from tests.attacks.hostile_encodings import FOREIGN, internal_entity_in, release_fifo

DOC = b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&y;</edXML>'


def _pe(path: Path | str) -> bytes:
    """UTF-8, so the raw scan is bypassed only because we call the parser directly."""
    return b'<!DOCTYPE edXML [<!ENTITY % p SYSTEM "file://' + str(path).encode() + b'"> %p;]>' + DOC


@pytest.mark.parametrize("case", sorted(FOREIGN))
def test_bytes_and_files_not_in_utf8_are_refused_5_2_6(case: str, tmp_path: Path) -> None:
    data = internal_entity_in(case)
    spooled = tmp_path / "body"
    spooled.write_bytes(data)
    for attempt in (lambda: load(data), lambda: load_file(spooled), lambda: signer_parse(data)):
        with pytest.raises(Rejected) as caught:
            attempt()
        assert caught.value.code.code == "5.2.6"


def test_the_parser_refuses_to_read_a_local_file(tmp_path: Path) -> None:
    dtd = tmp_path / "x.dtd"
    dtd.write_text('<!ENTITY y "FROM-DISK">')
    with pytest.raises(ExternalLoadRefused):
        etree.fromstring(_pe(dtd), safe_parser())


def test_the_parser_never_opens_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    rescue = threading.Timer(5.0, release_fifo, (fifo,))  # before the fix: fail, do not hang
    rescue.start()
    started = time.monotonic()
    try:
        with pytest.raises(ExternalLoadRefused):
            etree.fromstring(_pe(fifo), safe_parser())
    finally:
        rescue.cancel()
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE edXML SYSTEM "file:///etc/passwd">',
        b'<!DOCTYPE edXML [<!ENTITY y SYSTEM "file:///etc/passwd">]>',
        b'<!DOCTYPE edXML [<!ENTITY y "INTERNAL">]>',
    ],
)
def test_the_parser_loads_and_expands_nothing(doctype: bytes) -> None:
    try:
        root = etree.fromstring(doctype + DOC, safe_parser())
    except ExternalLoadRefused:
        return  # refused to load: the class holds
    assert b"&y;" in etree.tostring(root)  # the reference stays a reference
    assert "root:" not in "".join(root.itertext())


def test_xinclude_is_refused_by_the_loader_5_2_9() -> None:
    data = DOC.replace(
        b"&y;", b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd"/>'
    )
    with pytest.raises(Rejected) as caught:
        load(data)
    assert caught.value.code.code == "5.2.9"


def test_utf8_with_and_without_its_bom_is_accepted() -> None:
    data = b'<?xml version="1.0" encoding="utf-8"?>' + DOC.replace(b"&y;", "thử".encode())
    for variant in (data, b"\xef\xbb\xbf" + data, data.replace(b' encoding="utf-8"', b"")):
        assert load(variant).root.text == "thử"
