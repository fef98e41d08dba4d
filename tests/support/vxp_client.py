"""An independent VXP SDK 2.0.1 client, written from docs/domain.md §6 alone.

Tests and benchmarks talk to the hub through this client exactly as a vendor DMS built on the
real SDK would. It deliberately shares no code with the server (do not import axis here), so a
mistake in the server's header handling cannot be mirrored by the client.

Every request: POST <endpoint>/<operation>, parameters as ``XroadVnpt-<name>`` headers, a
compact JSON of the signed headers in ``XroadVnpt-sign-header`` and its HMAC-SHA256 (hex, keyed
with the system's secret) in ``XroadVnpt-hash-header``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp

PREFIX = "XroadVnpt-"


def sdk_timestamp(now: datetime | None = None) -> str:
    """ddMMyyyy T HHmmss + milliseconds padded to 4 digits (not a zone offset), local time."""
    now = now or datetime.now()
    return now.strftime("%d%m%YT%H%M%S") + "+" + f"{now.microsecond // 1000:04d}"


def sdk_body(data: bytes) -> bytes:
    """What the real SDK puts on the wire for a sendEdoc file: its bytes and one CRLF
    (recorded, tests/data/sdk-wire/README.md fact 1); hash-file covers the file alone."""
    return data + b"\r\n"


def java_hex_sha256(data: bytes) -> str:
    """The SDK's hash-file: SHA-256 bytes as hex WITHOUT zero padding per byte (0x0a -> "a")."""
    return "".join(format(byte, "x") for byte in hashlib.sha256(data).digest())


class VxpClient:
    """One connected system (connection centre) talking to a hub endpoint."""

    def __init__(
        self,
        endpoint: str,
        system_id: str,
        secret: str,
        *,
        session: aiohttp.ClientSession,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.system_id = system_id
        self.secret = secret
        self.session = session
        self.clock = clock or datetime.now
        # The hub refuses a signed header it has already seen (replay, 5.8.4). The timestamp
        # has millisecond resolution and bodies are not signed (except via hash-file), so two
        # identical calls within one millisecond would collide: step the later one by 1 ms.
        self._recent: deque[str] = deque(maxlen=256)

    def signed_headers(
        self, params: dict[str, str], content_type: str, *, timestamp: str | None = None
    ) -> dict[str, str]:
        """The SDK's header set: parameters, then sign-header JSON and its HMAC."""
        now = self.clock()
        while True:
            signed = {
                "systemid": self.system_id,
                **params,
                "timestamp": timestamp or sdk_timestamp(now),
                "Content-Type": content_type,
            }
            headers = {PREFIX + name: value for name, value in signed.items()}
            sign_header = json.dumps(headers, separators=(",", ":"), ensure_ascii=False)
            if timestamp or sign_header not in self._recent:
                break
            now += timedelta(milliseconds=1)
        self._recent.append(sign_header)
        digest = hmac.new(self.secret.encode(), sign_header.encode(), hashlib.sha256).hexdigest()
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
        extra_headers: dict[str, str] | None = None,
        timestamp: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """POST one operation; returns (HTTP status, response JSON)."""
        headers = self.signed_headers(params or {}, content_type, timestamp=timestamp)
        headers.update(extra_headers or {})
        url = f"{self.endpoint}/{operation}"
        async with self.session.post(url, data=body, headers=headers) as response:
            payload = await response.json(content_type=None)
            return response.status, payload

    async def send_edoc(self, data: bytes, from_agency: str, messagetype: str = "edoc") -> dict:
        params = {
            "servicetype": "eDoc",
            "messagetype": messagetype,
            "from": from_agency,
            "hash-file": java_hex_sha256(data),
        }
        body = sdk_body(data)
        _, payload = await self.call("sendEdoc", params, body, "application/octet-stream")
        return payload

    async def get_received_list(self, messagetype: str = "edoc", limit: int | None = None) -> dict:
        params = {"servicetype": "eDoc", "messagetype": messagetype}
        if limit is not None:  # an axis extra (docs/domain.md §6: paging never required)
            params["limit"] = str(limit)
        _, payload = await self.call("getReceivedEdocList", params)
        return payload

    async def get_edoc(self, doc_id: str) -> dict:
        params = {"docId": doc_id, "filePath": "/tmp/ignored"}
        _, payload = await self.call("getEdoc", params, b"{}")
        return payload

    async def update_status(self, doc_id: str, status: str = "done") -> dict:
        _, payload = await self.call("updateStatus", {"docid": doc_id, "status": status}, b"{}")
        return payload

    async def get_sent_list(self) -> dict:
        _, payload = await self.call("getSentEdocList")
        return payload

    async def get_agencies(self) -> dict:
        _, payload = await self.call("getAgenciesList")
        return payload

    async def register_agency(self, agency: dict[str, str]) -> dict:
        body = json.dumps(agency, ensure_ascii=False).encode()
        _, payload = await self.call("registerAgency", {}, body)
        return payload

    async def delete_agency(self, agency_id: str) -> dict:
        body = json.dumps({"id": agency_id}).encode()
        _, payload = await self.call("deleteAgency", {}, body)
        return payload

    async def count_receive(self, messagetype: str = "edoc") -> dict:
        operation = "countReceiveEdoc" if messagetype == "edoc" else "countReceiveStatus"
        params = {"servicetype": "eDoc", "messagetype": messagetype}
        _, payload = await self.call(operation, params)
        return payload
