"""Reading request bodies with the size limit applied WHILE the bytes stream in (5.1.1).

The limit is checked against Content-Length before reading and against the running total per
chunk, so an oversize upload is refused after at most ``limit`` bytes (plus one chunk) without
relying on aiohttp's client_max_size. ``read_limited`` keeps a (small) body in memory;
``spool_limited`` is /sendEdoc's reader: small bodies stay in memory (the 10 KB hot path never
touches the disk), a body beyond SPOOL_ABOVE goes to a temporary file under <data_dir>/tmp
while it streams in, with its SHA-256 computed on the way (hash-file, docs/domain.md §6), so a
50 MB package never exists as one Python bytes object.

The real SDK appends CRLF to every sendEdoc body and hashes the file alone (docs/domain.md §6),
so the reader also keeps the SHA-256 of the body without its last two bytes when they are CRLF;
``Body.strip_crlf`` then drops them by size (a spool file is truncated, not copied).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from aiohttp import web

from axis.errors import Rejected

CRLF = b"\r\n"
CHUNK = 64 * 1024
SPOOL_ABOVE = 1 << 20  # bodies larger than this are spooled to a file
SPOOL_SUFFIX = ".body"


async def read_limited(request: web.Request, limit: int) -> bytes:
    check_declared(request, limit)
    parts: list[bytes] = []
    total = 0
    async for chunk in timed_chunks(request):
        total += len(chunk)
        if total > limit:
            raise Rejected("5.1.1", f"More than {limit} bytes.")
        parts.append(chunk)
    return b"".join(parts)


@dataclass(frozen=True)
class BodyTimeouts:
    """How slowly a body may arrive (hub.body_* settings; docs/security.md)."""

    idle_s: float = 15.0
    deadline_s: float = 30.0
    min_bytes_per_s: int = 32768


BODY_TIMEOUTS: web.AppKey[BodyTimeouts] = web.AppKey("body_timeouts", BodyTimeouts)


async def timed_chunks(request: web.Request) -> AsyncIterator[bytes]:
    """The body in chunks of at most CHUNK bytes, refused (408 5.1.11) when it pauses longer
    than ``idle_s`` or falls behind ``deadline_s`` + bytes / ``min_bytes_per_s``: a client
    trickling a body must not hold a request slot for ever."""
    timeouts = request.config_dict.get(BODY_TIMEOUTS) or BodyTimeouts()
    loop = asyncio.get_running_loop()
    started = loop.time()
    declared = request.content_length or 0
    received = 0
    while True:
        due = started + timeouts.deadline_s + max(declared, received) / timeouts.min_bytes_per_s
        wait = min(timeouts.idle_s, due - loop.time())
        try:
            if wait <= 0:
                raise TimeoutError
            async with asyncio.timeout(wait):
                chunk = await request.content.read(CHUNK)
        except TimeoutError:
            raise Rejected(
                "5.1.11", f"{received} bytes in {loop.time() - started:.1f} s, then it stalled."
            ) from None
        if not chunk:
            return
        received += len(chunk)
        yield chunk


def check_declared(request: web.Request, limit: int) -> None:
    declared = request.content_length
    if declared is not None and declared > limit:
        raise Rejected("5.1.1", f"Content-Length {declared}; the limit is {limit} bytes.")


@dataclass
class Body:
    """A received body: ``data`` in memory, or ``path`` (a spool file) when it was large."""

    size: int
    digest: bytes  # SHA-256 of the body
    data: bytes | None = None
    path: Path | None = None
    # SHA-256 of the body without its final CRLF, when it ends with one (the SDK's framing).
    digest_before_crlf: bytes | None = None

    def strip_crlf(self) -> None:
        """Drop the final CRLF (only valid when digest_before_crlf is set): by size, no copy
        of a spooled body."""
        if self.digest_before_crlf is None:
            raise ValueError("the body does not end with CRLF")
        self.size -= len(CRLF)
        self.digest, self.digest_before_crlf = self.digest_before_crlf, None
        if self.path is not None:
            os.truncate(self.path, self.size)
        elif self.data is not None:
            self.data = self.data[: self.size]

    @property
    def source(self) -> bytes | Path:
        """What intake reads: the bytes, or the spool file holding them."""
        if self.path is not None:
            return self.path
        return self.data or b""

    def discard(self) -> None:
        """Remove the spool file (after the request, whatever its outcome)."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


def prepare_spool(root: Path, pid: int | None = None) -> Path:
    """This process's spool folder, ``root/<pid>``, created empty (returned).

    Each process spools into its own folder, so a worker that (re)starts beside others under
    ``axis serve --workers N`` never removes a sibling's upload in progress. What a dead
    process left behind (its folder, or bodies from the older flat layout) is removed here.
    """
    pid = os.getpid() if pid is None else pid
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(f"*{SPOOL_SUFFIX}"):
        stale.unlink(missing_ok=True)
    for folder in root.iterdir():
        if folder.is_dir() and folder.name.isdigit() and not _alive(int(folder.name)):
            shutil.rmtree(folder, ignore_errors=True)
    own = root / str(pid)
    shutil.rmtree(own, ignore_errors=True)  # a recycled pid's leftovers
    own.mkdir()
    return own


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


async def spool_limited(
    request: web.Request, limit: int, spool_dir: Path, spool_above: int = SPOOL_ABOVE
) -> Body:
    """The body under ``limit``: in memory up to ``spool_above`` bytes, else in a spool file."""
    check_declared(request, limit)
    sha = hashlib.sha256()  # over all but the last two bytes, which wait in ``tail``
    tail = b""
    parts: list[bytes] = []
    total = 0
    out: BinaryIO | None = None
    path: Path | None = None
    try:
        async for chunk in timed_chunks(request):
            total += len(chunk)
            if total > limit:
                raise Rejected("5.1.1", f"More than {limit} bytes.")
            held = tail + chunk
            sha.update(held[: -len(CRLF)])
            tail = held[-len(CRLF) :]
            if out is None and total > spool_above:
                out, path = _open_spool(spool_dir)
                out.writelines(parts)
                parts.clear()
            if out is not None:
                out.write(chunk)  # page cache: microseconds per 64 KiB, no executor hop needed
            else:
                parts.append(chunk)
    except BaseException:
        if out is not None:
            out.close()
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    before_crlf = sha.digest() if tail == CRLF else None
    sha.update(tail)
    if out is not None:
        out.close()
        return Body(total, sha.digest(), path=path, digest_before_crlf=before_crlf)
    return Body(total, sha.digest(), data=b"".join(parts), digest_before_crlf=before_crlf)


def _open_spool(spool_dir: Path) -> tuple[BinaryIO, Path]:
    fd, name = tempfile.mkstemp(suffix=SPOOL_SUFFIX, dir=spool_dir)
    return os.fdopen(fd, "wb"), Path(name)
