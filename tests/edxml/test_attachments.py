"""Streaming base64, safe attachment names and zip handling."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

import pytest

from axis.edxml import Attachment
from axis.edxml.attachments import (
    ZipLimits,
    check_base64,
    decoded_size,
    extract_zip,
    is_placeholder,
    iter_decode,
    list_zip,
    sanitise_name,
)
from axis.errors import Rejected


def wrapped(content: bytes, width: int = 76) -> str:
    text = base64.b64encode(content).decode()
    return "\r\n".join(text[i : i + width] for i in range(0, len(text), width))


@pytest.mark.parametrize("size", [0, 1, 2, 3, 1000, 300_001])
def test_streaming_decode_matches_the_content_across_chunk_boundaries(size: int) -> None:
    content = bytes((i * 7) % 256 for i in range(size))
    encoded = wrapped(content)
    assert b"".join(iter_decode(encoded, chunk_chars=997)) == content
    assert decoded_size(encoded) == size


def test_decode_to_streams_into_a_file(tmp_path: Path) -> None:
    content = b"x" * 500_000
    attachment = Attachment.from_bytes(content, attachment_name="a.bin")
    with (tmp_path / "out").open("wb") as out:
        assert attachment.decode_to(out) == len(content)
    assert (tmp_path / "out").read_bytes() == content


@pytest.mark.parametrize("bad", ["abc", "ab!d", "YQ==YQ==", "YWJj\u00e9"])
def test_invalid_base64_is_refused_5_4_5(bad: str) -> None:
    with pytest.raises(Rejected) as info:
        check_base64(bad)
    assert info.value.code.code == "5.4.5"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  YWJj\n",
        "YWJjZA==",
        "YW Jj",
        "YWJjZA",
        "YQ==YQ==",
        "=YWJj",
        "YWJj\u00e9",
        "\u2003YWJj\u00a0",
    ],
)
def test_whole_text_and_chunked_decoding_agree(text: str) -> None:
    """The one-call path for short text gives the chunked path's bytes or its refusal."""

    def outcome(chunk_chars: int) -> bytes | str:
        try:
            return b"".join(iter_decode(text, chunk_chars=chunk_chars))
        except Rejected as exc:
            return exc.code.code

    assert outcome(1 << 20) == outcome(4)


def test_data_after_padding_in_a_later_chunk_is_refused() -> None:
    with pytest.raises(Rejected):
        list(iter_decode("YQ==" + "YWJj" * 10, chunk_chars=4))


def test_template_placeholder_is_recognised() -> None:
    assert is_placeholder("${__StringFromFile(test.txt,,,)}")
    assert not is_placeholder(base64.b64encode(b"${x}").decode())


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Windows\\system32\\cmd.exe", "cmd.exe"),
        ("a\x00b\x1f.pdf", "ab.pdf"),
        ("CON.txt", "_CON.txt"),
        ("báo cáo?.pdf", "báo cáo_.pdf"),
        ("..hidden..pdf", "hidden_pdf"),
    ],
)
def test_unsafe_names_are_sanitised_with_2_4_10(name: str, safe: str) -> None:
    result, finding = sanitise_name(name)
    assert result == safe and finding is not None and finding.code == "2.4.10"


def test_safe_names_are_kept_without_a_finding() -> None:
    assert sanitise_name("GUIDE_INSTALL OPENVPN.SIGNED.PDF") == (
        "GUIDE_INSTALL OPENVPN.SIGNED.PDF",
        None,
    )


def test_long_names_are_truncated_keeping_the_extension() -> None:
    result, finding = sanitise_name("văn bản " * 40 + ".pdf")
    assert result.endswith(".pdf") and len(result.encode()) <= 200 and finding is not None


@pytest.mark.parametrize("name", ["", "..", "/", " . ", "x" * 501])
def test_empty_or_overlong_names_are_refused_5_4_10(name: str) -> None:
    with pytest.raises(Rejected) as info:
        sanitise_name(name)
    assert info.value.code.code == "5.4.10"


def make_zip(members: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def test_zip_members_are_listed_with_sizes() -> None:
    members = list_zip(make_zip({"a.pdf": b"1" * 10, "dir/b.doc": b"22"}))
    assert [(m.name, m.size) for m in members] == [("a.pdf", 10), ("dir/b.doc", 2)]


def test_zip_bomb_is_refused_by_ratio() -> None:
    with pytest.raises(Rejected) as info:
        list_zip(make_zip({"zeros": b"\0" * (20 << 20)}))
    assert info.value.code.code == "5.4.15"


def test_zip_with_too_many_members_is_refused() -> None:
    with pytest.raises(Rejected):
        list_zip(make_zip({f"{i}": b"" for i in range(20)}), ZipLimits(max_members=10))


def test_not_a_zip_is_refused() -> None:
    with pytest.raises(Rejected):
        list_zip(io.BytesIO(b"not a zip"))


def test_extraction_never_uses_member_paths(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    dest.mkdir()
    written = extract_zip(
        make_zip({"../../evil.sh": b"x", "/abs/path.txt": b"y", "ok.pdf": b"z"}), dest
    )
    assert sorted(p.name for p in written) == ["evil.sh", "ok.pdf", "path.txt"]
    assert all(p.parent == dest for p in written)
    assert not (tmp_path / "evil.sh").exists()
