"""The agency side of the provincial gateway's REST dialect (docs/gateway.md), with the same
interface as VxpClient (adapters/vxp/client.py), so an endpoint's sync loop runs unchanged over
either door (``[hub] dialect = "sdk" | "gateway"``).

It gets an OAuth2 client-credentials token from ``<endpoint><token_path>`` with the system's id
and secret (HTTP Basic), keeps it until shortly before it expires, and fetches a new one once
when the hub answers that the token expired or is unknown. Answers with ``status`` FAIL raise
VxpError with the catalogue code, as the SDK client does.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import quote

import aiohttp

from adapters.vxp.client import VxpError

# Codes after which a fresh token is worth one retry: unknown or expired token.
TOKEN_CODES = ("5.8.11", "5.8.12")
# Seconds before its expiry a token is replaced rather than used.
EXPIRY_MARGIN_S = 30.0


class GatewayClient:
    """One connected system talking to a hub's gateway door."""

    def __init__(
        self,
        endpoint: str,
        system_id: str,
        secret: str,
        *,
        session: aiohttp.ClientSession,
        base_path: str = "/truclienthong/v1.0.0",
        token_path: str = "/token",
        timeout_s: float = 60.0,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.system_id = system_id
        self._secret = secret
        self._session = session
        self._base = self.endpoint + base_path
        self._token_url = self.endpoint + token_path
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._token = ""
        self._token_until = 0.0

    async def token(self) -> str:
        """A valid bearer token (a new one when none is held or it is about to expire)."""
        if self._token and time.monotonic() < self._token_until:
            return self._token
        basic = base64.b64encode(f"{self.system_id}:{self._secret}".encode()).decode()
        answer = await self._request(
            "POST", self._token_url, "token",
            data=b"grant_type=client_credentials",
            headers={"Authorization": f"Basic {basic}",
                     "Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        self._token = str(answer["access_token"])
        self._token_until = time.monotonic() + float(answer["expires_in"]) - EXPIRY_MARGIN_S
        return self._token

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        """One operation; its ``data`` when ``status`` is OK, else VxpError."""
        for attempt in range(2):
            headers = {"Authorization": f"Bearer {await self.token()}"}
            payload = None if body is None else json.dumps(body).encode()
            if payload is not None:
                headers["Content-Type"] = "application/json"
            try:
                answer = await self._request(
                    method, self._base + path, path, data=payload, headers=headers
                )
            except VxpError as error:
                if error.code not in TOKEN_CODES or attempt:
                    raise
                self._token = ""  # expired or unknown here: get a new one, once
                continue
            return answer.get("data")
        raise AssertionError("unreachable")

    async def _request(
        self, method: str, url: str, what: str, *, data: bytes | None, headers: dict[str, str]
    ) -> dict[str, Any]:
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=self._timeout
            ) as response:
                text = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise VxpError("", f"{what}: no answer from {self.endpoint}: {exc!r}") from exc
        try:
            answer = json.loads(text)
        except ValueError:
            raise VxpError("", f"{what}: HTTP {status}, not JSON", status) from None
        if not isinstance(answer, dict) or answer.get("status") != "OK":
            code = str(answer.get("errorCode", "")) if isinstance(answer, dict) else ""
            desc = str(answer.get("errorDesc", "")) if isinstance(answer, dict) else ""
            raise VxpError(code, f"{what}: {desc}", status)
        return answer

    # -- the VxpClient interface the endpoints use ----------------------------------------

    async def send_edoc(self, data: bytes, from_agency: str, messagetype: str = "edoc") -> str:
        content = base64.b64encode(data).decode("ascii")
        answer = await self.call(
            "POST", "/vanbans", {"type": messagetype, "from": from_agency, "content": content}
        )
        return str(answer["docId"])

    async def received_list(self, messagetype: str = "edoc") -> list[dict[str, Any]]:
        return list(await self.call("GET", f"/vanbans?type={messagetype}") or [])

    async def get_edoc(self, doc_id: str) -> bytes:
        answer = await self.call("GET", f"/vanbans/{quote(doc_id, safe='')}")
        return base64.b64decode(answer["content"])

    async def update_status(self, doc_id: str, ok: bool, error: str = "") -> None:
        body = {"status": "DONE" if ok else "FAIL", "statusDesc": "" if ok else error[:300]}
        await self.call("PUT", f"/vanbans/{quote(doc_id, safe='')}", body)

    async def agencies(self) -> list[dict[str, Any]]:
        return list(await self.call("GET", "/donvilienthongs") or [])
