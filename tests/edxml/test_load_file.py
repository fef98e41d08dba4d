"""load_file: the hardened loader reading a spooled package from a file gives load()'s verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from axis.edxml import load, load_file
from axis.edxml.load import SCAN_CHUNK
from axis.errors import Rejected
from tests.support.samples import SAMPLES

ROOT = b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"></edXML>'


def _file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "package.edxml"
    path.write_bytes(data)
    return path


def test_a_sample_loads_from_a_file_to_the_same_tree_as_from_bytes(tmp_path: Path) -> None:
    data = (SAMPLES / "edoc_new.edxml").read_bytes()
    from_bytes = load(data)
    from_file = load_file(_file(tmp_path, data))
    assert from_file.findings == from_bytes.findings
    assert from_file.offset == len(data) - len(from_bytes.data)  # the lenient repair's cut
    assert from_file.root.tag == from_bytes.root.tag
    assert len(list(from_file.root.iter())) == len(list(from_bytes.root.iter()))


def test_a_doctype_split_across_two_scan_chunks_is_refused_5_2_2(tmp_path: Path) -> None:
    head = b'<?xml version="1.0"?>\n<!--'
    filler = b"x" * (SCAN_CHUNK - len(head) - 4 - 4)  # "<!DOCTYPE" straddles the boundary
    data = head + filler + b"-->" + b"<!DOCTYPE edXML>" + ROOT
    assert data.index(b"<!DOCTYPE") < SCAN_CHUNK < data.index(b"<!DOCTYPE") + 9
    with pytest.raises(Rejected) as caught:
        load_file(_file(tmp_path, data))
    assert caught.value.code.code == "5.2.2"


def test_a_file_of_whitespace_only_is_refused_as_empty_5_1_2(tmp_path: Path) -> None:
    with pytest.raises(Rejected) as caught:
        load_file(_file(tmp_path, b" \n" * 1000))
    assert caught.value.code.code == "5.1.2"


def test_garbage_before_the_declaration_is_refused_under_strict_5_2_4(tmp_path: Path) -> None:
    with pytest.raises(Rejected) as caught:
        load_file(_file(tmp_path, b"1212" + b'<?xml version="1.0"?>' + ROOT), policy="strict")
    assert caught.value.code.code == "5.2.4"


def test_a_syntax_error_in_a_file_is_refused_5_2_1(tmp_path: Path) -> None:
    with pytest.raises(Rejected) as caught:
        load_file(_file(tmp_path, b'<?xml version="1.0"?>' + ROOT[:-3]))
    assert caught.value.code.code == "5.2.1"
