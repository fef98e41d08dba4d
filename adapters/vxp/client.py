"""The agency side of the VXP SDK wire protocol, as a clean async client (docs/domain.md §6).

Every request is ``POST <endpoint>/<operation>`` with its parameters in ``XroadVnpt-<name>``
headers, a compact JSON of the signed headers in ``XroadVnpt-sign-header`` and its HMAC-SHA256
(lowercase hex, keyed with the system's secret) in ``XroadVnpt-hash-header``. sendEdoc bodies
are the file plus CRLF, with ``hash-file`` over the file alone in the SDK's unpadded hex, exactly
as the Java SDK puts them on the wire. Answers with ``status`` FAIL raise VxpError.

The adapters (adapters/qoffice, adapters/folder) use this client; it is also a reference for
integrators. It takes an aiohttp ClientSession the caller owns.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp

PREFIX = "XroadVnpt-"
CRLF = b"\r\n"
REPLAY_CODE = "5.8.4"  # the hub saw this exact signed header before (docs/api.md)


def sdk_timestamp(now: datetime) -> str:
    """``ddMMyyyyTHHmmss+NNNN``: NNNN is milliseconds, not a zone (docs/domain.md §6)."""
    return now.strftime("%d%m%YT%H%M%S") + "+" + f"{now.microsecond // 1000:04d}"


def java_hex_sha256(data: bytes) -> str:
    """The SDK's hash-file: SHA-256 as hex without padding each byte ("0a" is written "a")."""
    return "".join(format(byte, "x") for byte in hashlib.sha256(data).digest())


class VxpError(Exception):
    """A FAIL answer, an HTTP error without a JSON answer, or a network failure."""

    def __init__(self, code: str, desc: str, http_status: int = 0) -> None:
        super().__init__(f"{code} {desc}".strip())
        self.code = code
        self.desc = desc
        self.http_status = http_status

    @property
    def transient(self) -> bool:
        """Worth retrying later: the hub's 4.x.y codes, 5xx, 429 or no answer at all."""
        return self.code.startswith("4.") or self.http_status in (0, 429) or self.http_status >= 500


class VxpClient:
    """One connected system (a connection centre: id + secret) talking to one hub endpoint."""

    def __init__(
        self,
        endpoint: str,
        system_id: str,
        secret: str,
        *,
        session: aiohttp.ClientSession,
        clock: Callable[[], datetime] = datetime.now,
        timeout_s: float = 60.0,
        crlf: bool = True,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.system_id = system_id
        self._secret = secret.encode()
        self._session = session
        self._clock = clock
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        # The SDK appends CRLF to every sendEdoc body (docs/domain.md §6); off only for a hub
        # that does not strip it.
        self._framing = CRLF if crlf else b""
        # The hub refuses a signed header it has seen (replay). Two identical calls within one
        # millisecond would sign the same header, so the later one steps its timestamp by 1 ms.
        self._recent: deque[str] = deque(maxlen=256)

    def signed_headers(self, params: dict[str, str], content_type: str) -> dict[str, str]:
        """The SDK's header set: parameters, sign-header JSON, its HMAC, version, agent."""
        now = self._clock()
        while True:
            signed = {
                "systemid": self.system_id,
                **params,
                "timestamp": sdk_timestamp(now),
                "Content-Type": content_type,
            }
            headers = {PREFIX + name: value for name, value in signed.items()}
            sign_header = json.dumps(headers, separators=(",", ":"), ensure_ascii=False)
            if sign_header not in self._recent:
                break
            now += timedelta(milliseconds=1)
        self._recent.append(sign_header)
        digest = hmac.new(self._secret, sign_header.encode(), hashlib.sha256).hexdigest()
        headers.update(
            {
                PREFIX + "sign-header-key": ";".join(signed),
                PREFIX + "sign-header": sign_header,
                PREFIX + "hash-header": digest,
                PREFIX + "version": "3.0.201608",
                "Content-Type": content_type,
                "User-Agent": "JAVASDKAgent/1.0.0 XRoad/VPCP",
            }
        )
        return headers

    async def call(
        self,
        operation: str,
        params: dict[str, str] | None = None,
        body: bytes = b"",
        content_type: str = "application/json",
    ) -> dict[str, Any]:
        """POST one operation; the answer's JSON when ``status`` is OK, else VxpError."""
        for attempt in range(3):
            try:
                return await self._call_once(operation, params or {}, body, content_type)
            except VxpError as error:
                # Another process of the same system may have signed the same header in the
                # same millisecond: a fresh timestamp is a new request, not a replay.
                if error.code != REPLAY_CODE or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _call_once(
        self, operation: str, params: dict[str, str], body: bytes, content_type: str
    ) -> dict[str, Any]:
        headers = self.signed_headers(params, content_type)
        url = f"{self.endpoint}/{operation}"
        try:
            async with self._session.post(
                url, data=body, headers=headers, timeout=self._timeout
            ) as response:
                text = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise VxpError("", f"{operation}: no answer from {self.endpoint}: {exc!r}") from exc
        try:
            answer = json.loads(text)
        except ValueError:
            raise VxpError("", f"{operation}: HTTP {status}, not JSON", status) from None
        if not isinstance(answer, dict) or answer.get("status") != "OK":
            code = str(answer.get("ErrorCode", "")) if isinstance(answer, dict) else ""
            desc = str(answer.get("ErrorDesc", "")) if isinstance(answer, dict) else ""
            raise VxpError(code, f"{operation}: {desc}", status)
        return answer

    async def send_edoc(self, data: bytes, from_agency: str, messagetype: str = "edoc") -> str:
        """Send a package (``edoc`` or ``status``); returns the hub's DocId."""
        params = {
            "servicetype": "eDoc",
            "messagetype": messagetype,
            "from": from_agency,
            "hash-file": java_hex_sha256(data),
        }
        answer = await self.call(
            "sendEdoc", params, data + self._framing, "application/octet-stream"
        )
        return str(answer["DocId"])

    async def received_list(self, messagetype: str = "edoc") -> list[dict[str, Any]]:
        """Rows waiting for this system: docId, from, to, status, ... (docs/api.md)."""
        params = {"servicetype": "eDoc", "messagetype": messagetype}
        answer = await self.call("getReceivedEdocList", params)
        return list(answer.get("data") or [])

    async def get_edoc(self, doc_id: str) -> bytes:
        """One package's exact bytes."""
        answer = await self.call("getEdoc", {"docId": doc_id, "filePath": "edoc"}, b"{}")
        return base64.b64decode(answer["data"])

    async def update_status(self, doc_id: str, ok: bool, error: str = "") -> None:
        """Acknowledge a delivery: ``done`` once stored, ``fail`` with a reason otherwise."""
        params = {"docid": doc_id, "status": "done" if ok else "fail"}
        if not ok and error:
            # header values travel as ASCII; the reason is for a human reading the hub's list
            params["error"] = error.encode("ascii", "replace").decode()[:300]
        await self.call("updateStatus", params, b"{}")

    async def sent_list(self) -> list[dict[str, Any]]:
        """One row per recipient of each document this system's agencies sent."""
        return list((await self.call("getSentEdocList")).get("data") or [])

    async def agencies(self) -> list[dict[str, Any]]:
        return list((await self.call("getAgenciesList")).get("data") or [])
