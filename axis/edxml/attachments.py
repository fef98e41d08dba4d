"""Attachment content: streaming base64 decoding, zip listing, safe file names.

Used by the model (Attachment.decode_to), the validator (base64 and placeholder checks, name
checks) and by anything that writes attachments to disk (CLI, delivery adapters). Attachment
names come from the sender and are never used as paths without sanitise_name(); zip members are
listed from the central directory with bomb limits and only ever extracted under sanitised
names inside a given directory.
"""

from __future__ import annotations

import binascii
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from axis.errors import Finding, Rejected

CHUNK_CHARS = 1 << 18  # 256 Ki base64 characters -> 192 KiB decoded per step
_PLACEHOLDER = re.compile(
    r"^\s*\$\{.*\}\s*$", re.S
)  # JMeter/template ${...} (samples/vnpt/edoc.edxml)


def is_placeholder(encoded: str) -> bool:
    """True when the content is a template placeholder such as ${__StringFromFile(...)}."""
    return len(encoded) < 4096 and _PLACEHOLDER.match(encoded) is not None


def iter_decode(encoded: str, chunk_chars: int = CHUNK_CHARS) -> Iterator[bytes]:
    """Decode base64 text chunk by chunk, whitespace allowed anywhere; Rejected 5.4.5 if invalid."""
    if len(encoded) <= chunk_chars:
        whole = _decode_unbroken(encoded)
        if whole is not None:
            if whole:  # as the chunked path: no empty chunk for empty content
                yield whole
            return
    carry, padded = "", False
    for start in range(0, len(encoded), chunk_chars):
        piece = carry + "".join(encoded[start : start + chunk_chars].split())
        cut = len(piece) - len(piece) % 4
        carry = piece[cut:]
        if not cut:
            continue
        if padded:  # '=' may only end the text (RFC 4648 §3.3: no data after padding)
            raise Rejected("5.4.5", "data after base64 padding")
        padded = piece[cut - 1] == "="
        yield _decode(piece[:cut])
    if carry:
        raise Rejected("5.4.5", f"base64 length is not a multiple of 4 (ends {carry[:8]!r})")


def _decode_unbroken(encoded: str) -> bytes | None:
    """The common case in one C call: base64 with whitespace at most around it (what the SDK
    and most DMSs write). None when it is anything else; the chunked path then strips inner
    whitespace and gives the precise refusal. Strict decoding succeeds only on text the
    chunked path accepts too, with the same bytes, so the verdict never depends on the path."""
    try:
        return binascii.a2b_base64(encoded.strip(), strict_mode=True)
    except (binascii.Error, ValueError):
        return None


def _decode(piece: str) -> bytes:
    try:
        return binascii.a2b_base64(piece, strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise Rejected("5.4.5", f"invalid base64: {exc}") from None


def check_base64(encoded: str) -> None:
    """Raise Rejected 5.4.5 unless ``encoded`` is valid base64 (decoded bytes are discarded)."""
    for _chunk in iter_decode(encoded):
        pass


def decode_to(encoded: str, out: IO[bytes]) -> int:
    """Stream the decoded bytes into ``out``; returns how many were written."""
    written = 0
    for chunk in iter_decode(encoded):
        out.write(chunk)
        written += len(chunk)
    return written


def decoded_size(encoded: str) -> int:
    """Size of the decoded content, computed without decoding (valid base64 assumed)."""
    stripped = encoded.strip()
    chars = len(encoded) - sum(encoded.count(c) for c in " \t\r\n")
    padding = len(stripped) - len(stripped.rstrip("="))
    return max(chars * 3 // 4 - padding, 0)


# --- names -----------------------------------------------------------------------------------

MAX_NAME_CHARS = 500  # docs/domain.md §3 field limit for AttachmentName
MAX_NAME_BYTES = 200  # what we put on a file system (ext4 allows 255 bytes)
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.I)  # Windows device names
_UNSAFE_CHARS = re.compile(r'[<>:"|?*]')


def sanitise_name(name: str) -> tuple[str, Finding | None]:
    """A name safe to use as one path component, plus Finding 2.4.10 if it had to change.

    Rejected 5.4.10 when nothing usable is left or the name exceeds the 500-character limit.
    """
    if len(name) > MAX_NAME_CHARS:
        raise Rejected(
            "5.4.10", f"attachment name is {len(name)} characters (limit {MAX_NAME_CHARS})"
        )
    safe = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # control/format
    safe = safe.replace("\\", "/").rsplit("/", 1)[-1]  # strip any directory part
    safe = _UNSAFE_CHARS.sub("_", safe).strip(" .").replace("..", "_")
    if _RESERVED.match(safe):
        safe = "_" + safe
    safe = _truncate(safe)
    if not safe:
        raise Rejected("5.4.10", f"attachment name {name!r} is empty once sanitised")
    if safe == name:
        return name, None
    return safe, Finding("2.4.10", f"{name!r} -> {safe!r}")


def _truncate(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 16:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    budget = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    cut = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(" .")
    return cut + suffix


# --- zip -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 1000
    max_total_bytes: int = 512 * 1024 * 1024  # expanded size of all members
    max_ratio: int = 100  # expanded / compressed, per member and overall


@dataclass(frozen=True)
class ZipMember:
    name: str  # as written in the archive: display only, never a path
    size: int
    compressed_size: int


def is_zip(content_type: str, name: str) -> bool:
    """Attachments announced as zip (ContentType application/zip or a .zip name)."""
    return "zip" in content_type.lower() or name.lower().endswith(".zip")


def list_zip(source: IO[bytes] | Path, limits: ZipLimits = ZipLimits()) -> list[ZipMember]:
    """Members with sizes; Rejected 5.4.15 for a bomb (count, total or ratio over the limits)."""
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Rejected("5.4.15", f"not a readable zip archive: {exc}") from None
    members = [ZipMember(i.filename, i.file_size, i.compress_size) for i in infos]
    _check_limits(members, limits)
    return members


def _check_limits(members: list[ZipMember], limits: ZipLimits) -> None:
    if len(members) > limits.max_members:
        raise Rejected("5.4.15", f"{len(members)} members (limit {limits.max_members})")
    total = sum(m.size for m in members)
    packed = sum(m.compressed_size for m in members)
    if total > limits.max_total_bytes:
        raise Rejected("5.4.15", f"expands to {total} bytes (limit {limits.max_total_bytes})")
    for m in members:
        if m.size > limits.max_ratio * max(m.compressed_size, 1) and m.size > 1 << 20:
            raise Rejected("5.4.15", f"member {m.name!r} expands {m.size}/{m.compressed_size}")
    if total > limits.max_ratio * max(packed, 1) and total > 1 << 20:
        raise Rejected("5.4.15", f"archive expands {total}/{packed}")


def extract_zip(
    source: IO[bytes] | Path, dest: Path, limits: ZipLimits = ZipLimits()
) -> list[Path]:
    """Extract every file member into ``dest`` (flat, sanitised, de-duplicated names).

    Sizes are enforced while copying, so an archive whose headers lie about sizes is still
    bounded. Directory structure in member names is dropped on purpose.
    """
    list_zip(source, limits)
    if not isinstance(source, Path):
        source.seek(0)
    written: list[Path] = []
    budget = limits.max_total_bytes
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            target = _unique(dest, sanitise_name(info.filename)[0])
            budget -= _copy_bounded(archive, info, target, min(budget, info.file_size))
            written.append(target)
    return written


def _unique(dest: Path, name: str) -> Path:
    target, n = dest / name, 1
    while target.exists():
        target, n = dest / f"{n}_{name}", n + 1
    return target


def _copy_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, cap: int) -> int:
    copied = 0
    with archive.open(info) as src, target.open("xb") as out:
        while chunk := src.read(1 << 16):
            copied += len(chunk)
            if copied > cap:
                raise Rejected("5.4.15", f"member {info.filename!r} is larger than declared")
            out.write(chunk)
    return copied
