"""The kit's own VXP SDK client (docs/domain.md §6), independent of the hub's server code.

Requests are signed exactly as the real SDK signs them: parameters as ``XroadVnpt-<name>``
headers, the compact JSON of the signed headers in ``XroadVnpt-sign-header`` and its HMAC-SHA256
(lowercase hex, keyed with the system's secret) in ``XroadVnpt-hash-header``. ``raw_exchange``
puts hand-framed bytes on a socket for the cases aiohttp would re-frame (declared sizes, the
recorded SDK header order, ``Expect: 100-continue``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import aiohttp

PREFIX = "XroadVnpt-"
SDK_VERSION = "3.0.201608"
USER_AGENT = "JAVASDKAgent/1.0.0 XRoad/VPCP"
TIMEOUT_S = 30.0


def sdk_timestamp(now: datetime | None = None) -> str:
    """ddMMyyyy T HHmmss + milliseconds in 4 digits (not a zone: docs/domain.md §6)."""
    now = now or datetime.now()
    return now.strftime("%d%m%YT%H%M%S") + "+" + f"{now.microsecond // 1000:04d}"


def java_hex(digest: bytes) -> str:
    """The SDK's hex: each byte without zero padding (0x0a -> "a")."""
    return "".join(format(byte, "x") for byte in digest)


def hash_file(data: bytes, *, padded: bool = False) -> str:
    digest = hashlib.sha256(data).digest()
    return digest.hex() if padded else java_hex(digest)


def hmac_hex(secret: str, sign_header: str) -> str:
    return hmac.new(secret.encode(), sign_header.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Reply:
    """One answer as the kit saw it."""

    operation: str
    http: int
    payload: dict[str, Any] | None  # None when the body is not a JSON object
    body: bytes

    @property
    def ok(self) -> bool:
        return self.payload is not None and self.payload.get("status") == "OK"

    @property
    def error_code(self) -> str:
        return str((self.payload or {}).get("ErrorCode", ""))

    def get(self, name: str, default: Any = None) -> Any:
        return (self.payload or {}).get(name, default)

    def excerpt(self, limit: int = 300) -> str:
        text = self.body.decode("utf-8", "replace")
        return text if len(text) <= limit else text[:limit] + "…"

    @classmethod
    def of(cls, operation: str, http: int, body: bytes) -> Reply:
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        return cls(operation, http, payload if isinstance(payload, dict) else None, body)


class SdkClient:
    """One connected system talking to an endpoint, as a DMS on the VXP SDK does."""

    def __init__(
        self, endpoint: str, system_id: str, secret: str, session: aiohttp.ClientSession
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.system_id = system_id
        self.secret = secret
        self.session = session
        self._last = ""

    def fresh_timestamp(self) -> str:
        """A timestamp never used by this client before (hubs refuse a replayed signature)."""
        now = datetime.now()
        while (stamp := sdk_timestamp(now)) <= self._last:
            now += timedelta(milliseconds=1)
        self._last = stamp
        return stamp

    def signed_headers(
        self,
        params: dict[str, str],
        content_type: str = "application/json",
        *,
        timestamp: str | None = None,
        secret: str | None = None,
    ) -> dict[str, str]:
        signed = {
            "systemid": self.system_id,
            **params,
            "timestamp": timestamp or self.fresh_timestamp(),
            "Content-Type": content_type,
        }
        headers = {PREFIX + name: value for name, value in signed.items()}
        sign_header = json.dumps(headers, separators=(",", ":"), ensure_ascii=False)
        headers |= {
            PREFIX + "sign-header-key": ";".join(signed),
            PREFIX + "sign-header": sign_header,
            PREFIX + "hash-header": hmac_hex(secret or self.secret, sign_header),
            PREFIX + "version": SDK_VERSION,
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
        }
        return headers

    async def post(self, operation: str, headers: dict[str, str], body: bytes = b"") -> Reply:
        url = f"{self.endpoint}/{operation}"
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
        async with self.session.post(url, data=body, headers=headers, timeout=timeout) as answer:
            return Reply.of(operation, answer.status, await answer.read())

    async def call(
        self,
        operation: str,
        params: dict[str, str] | None = None,
        body: bytes = b"",
        content_type: str = "application/json",
    ) -> Reply:
        headers = self.signed_headers(params or {}, content_type)
        return await self.post(operation, headers, body)

    async def send(
        self, data: bytes, from_agency: str, messagetype: str = "edoc", *, crlf: bool = True
    ) -> Reply:
        """sendEdoc as the SDK frames it: the file + CRLF, hash-file over the file, unpadded."""
        params = {
            "servicetype": "eDoc",
            "messagetype": messagetype,
            "from": from_agency,
            "hash-file": hash_file(data),
        }
        body = data + b"\r\n" if crlf else data
        return await self.call("sendEdoc", params, body, "application/octet-stream")

    async def received(self, messagetype: str = "edoc") -> Reply:
        params = {"servicetype": "eDoc", "messagetype": messagetype}
        return await self.call("getReceivedEdocList", params)

    async def fetch(self, doc_id: str) -> Reply:
        return await self.call("getEdoc", {"docId": doc_id, "filePath": "/tmp/dms"}, b"{}")

    async def acknowledge(self, doc_id: str, status: str = "done") -> Reply:
        return await self.call("updateStatus", {"docid": doc_id, "status": status}, b"{}")

    async def sent(self) -> Reply:
        return await self.call("getSentEdocList")

    async def count(self, messagetype: str = "edoc") -> Reply:
        operation = "countReceiveEdoc" if messagetype == "edoc" else "countReceiveStatus"
        return await self.call(operation, {"servicetype": "eDoc", "messagetype": messagetype})

    async def agencies(self) -> Reply:
        return await self.call("getAgenciesList")

    async def register(self, agency: dict[str, str]) -> Reply:
        body = json.dumps(agency, ensure_ascii=False).encode()
        return await self.call("registerAgency", {}, body)

    async def unregister(self, agency_id: str) -> Reply:
        return await self.call("deleteAgency", {}, json.dumps({"id": agency_id}).encode())


@dataclass(frozen=True)
class RawAnswer:
    http: int
    body: bytes
    continued: bool  # "100 Continue" came before the final answer


async def raw_exchange(
    endpoint: str,
    head: bytes,
    body: bytes,
    *,
    wait_continue: bool = False,
    timeout_s: float = TIMEOUT_S,
) -> RawAnswer:
    """Write ``head`` (request line + headers + CRLF CRLF) and ``body`` on a fresh connection.

    With ``wait_continue`` the body goes only after the server's ``100 Continue`` (or the final
    answer, when the server answers at once). ``timeout_s`` bounds each wait for an answer."""
    url = urlsplit(endpoint)
    port = url.port or (443 if url.scheme == "https" else 80)
    ssl = url.scheme == "https" or None
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(url.hostname, port, ssl=ssl), TIMEOUT_S
    )
    try:
        writer.write(head)
        await writer.drain()
        continued = False
        if wait_continue:
            status, headers = await asyncio.wait_for(_read_head(reader), timeout_s)
            if status != 100:
                data = await asyncio.wait_for(_read_body(reader, headers), timeout_s)
                return RawAnswer(status, data, False)
            continued = True
        writer.write(body)
        await writer.drain()
        status, headers = await asyncio.wait_for(_read_head(reader), timeout_s)
        while status == 100:
            continued = True
            status, headers = await asyncio.wait_for(_read_head(reader), timeout_s)
        data = await asyncio.wait_for(_read_body(reader, headers), timeout_s)
        if headers.get("content-encoding", "") in ("gzip", "deflate"):  # the SDK offers both
            data = zlib.decompress(data, 47)
        return RawAnswer(status, data, continued)
    finally:
        writer.close()


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    raw = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = raw.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16):
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")
        return b"".join(parts)
    if "content-length" in headers:
        return await reader.readexactly(int(headers["content-length"]))
    return await reader.read()
