"""``axis inspect`` prints a summary, or one REJECT line and exit status 1."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from axis.commands import inspect
from axis.edxml import build
from tests.support.samples import SAMPLES

from .conftest import document, status


def run(path: Path, capsys: pytest.CaptureFixture[str], policy: str = "lenient") -> tuple[int, str]:
    code = inspect.run(argparse.Namespace(file=str(path), policy=policy))
    return code, capsys.readouterr().out


def test_inspect_summarises_a_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "doc.edxml"
    path.write_bytes(build(document(b"0123456789")))
    code, out = run(path, capsys)
    assert code == 0
    for expected in (
        "from:        000.00.00.H53",
        "to:          000.00.31.H53",
        "to:          000.00.00.G22",
        "document id: 000.00.00.H53,2024/03/01,123/UBND-VP",
        "business:    0 (new)",
        "attachment:  cong-van.SIGNED.PDF (application/pdf, 10 bytes)",
        "trace:       2024/03/01 08:00:00 000.00.00.H53",
        "signature:",
    ):
        assert expected in out


def test_inspect_summarises_a_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "status.edxml"
    path.write_bytes(build(status()))
    code, out = run(path, capsys)
    assert code == 0 and "status:      03 (accepted)" in out


def test_inspect_lists_zip_members_and_warnings_of_a_sample(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(SAMPLES / "edoc_new.edxml", capsys)
    assert code == 0
    assert "zip member: 32da2890-1a55-4ccd-9ac9-cd0d98559e67.edxml" in out
    assert "warning:     2.2.4" in out


def test_inspect_rejects_with_one_line_and_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(SAMPLES / "edoc.edxml", capsys, policy="strict")
    assert code == 1
    # strict: its undeclared edXML/xlink prefixes are refused (lenient declares them, 2.2.3)
    assert out.startswith(f"{SAMPLES / 'edoc.edxml'}: REJECT 5.2.3 ") and out.count("\n") == 1


def test_inspect_of_a_missing_file_is_5_1_9(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(tmp_path / "missing.edxml", capsys)
    assert code == 1 and "REJECT 5.1.9" in out
