"""Raw HTTP/1.1 over asyncio streams, for replaying the real SDK's recorded requests byte for byte.

aiohttp's client would re-frame the request (its own headers, order, Expect handling); these
helpers put exactly the recorded bytes on the socket. A request carrying
``Expect: 100-continue`` is sent the way the SDK's HTTP client sends it: the head, then (after
the server's ``100 Continue``) the body.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SDK_WIRE = Path(__file__).resolve().parent.parent / "data" / "sdk-wire"
TIMEOUT_S = 10.0


@dataclass
class Recorded:
    """One recorded request: the head (request line + headers, ending CRLF CRLF) and body."""

    head: bytes
    body: bytes

    @classmethod
    def load(cls, name: str) -> Recorded:
        raw = (SDK_WIRE / name).read_bytes()
        head, _, body = raw.partition(b"\r\n\r\n")
        return cls(head + b"\r\n\r\n", body)

    def header(self, name: str) -> str:
        for line in self.head.split(b"\r\n")[1:]:
            key, _, value = line.partition(b":")
            if key.strip().lower() == name.lower().encode():
                return value.strip().decode("utf-8")
        raise KeyError(name)

    @property
    def expects_continue(self) -> bool:
        return b"\r\nexpect: 100-continue\r\n" in self.head.lower()

    def resigned(self, secret: str, replace: dict[str, str]) -> Recorded:
        """The same request with parameter values replaced (old -> new, in the headers and the
        signed JSON) and the HMAC recomputed with ``secret``: every other byte unchanged."""
        head = self.head
        for old, new in replace.items():
            head = head.replace(old.encode(), new.encode())
        sign_header = Recorded(head, b"").header("XroadVnpt-sign-header").encode()
        digest = hmac.new(secret.encode(), sign_header, hashlib.sha256).hexdigest()
        head = head.replace(self.header("XroadVnpt-hash-header").encode(), digest.encode())
        return Recorded(head, self.body)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    continued: bool  # a "100 Continue" interim answer came before the final one

    def json(self) -> Any:
        return json.loads(self.body)


async def send(port: int, request: Recorded) -> Answer:
    """Put ``request`` on a fresh loopback connection and read the final answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        continued = False
        if request.expects_continue:
            writer.write(request.head)
            await writer.drain()
            status, _ = await asyncio.wait_for(_read_head(reader), TIMEOUT_S)
            assert status == 100, f"expected 100 Continue before the body, got {status}"
            continued = True
            writer.write(request.body)
        else:
            writer.write(request.head + request.body)
        await writer.drain()
        status, headers = await asyncio.wait_for(_read_head(reader), TIMEOUT_S)
        while status == 100:  # an interim answer the client did not wait for
            continued = True
            status, headers = await asyncio.wait_for(_read_head(reader), TIMEOUT_S)
        body = await asyncio.wait_for(_read_body(reader, headers), TIMEOUT_S)
        return Answer(status, headers, body, continued)
    finally:
        writer.close()


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    raw = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = raw.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        if line:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")
        body = b"".join(parts)
    else:
        body = await reader.readexactly(int(headers["content-length"]))
    encoding = headers.get("content-encoding", "")
    if encoding in ("gzip", "deflate"):  # the SDK offers gzip,deflate
        body = zlib.decompress(body, 47)
    return body
