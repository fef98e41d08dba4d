"""The recorder: a loopback reverse proxy in front of the sandbox hub that keeps every request
the DMS under test made (operation, headers, body, time) and the hub's answer.

It forwards each request unchanged, so the hub behaves as it does in production, with one
deliberate exception the kit asks for: ``lose_ack(sha256)`` answers the DMS's next ``done``
acknowledgement of that package OK without forwarding it, as if the hub's answer had been
lost after the DMS sent it. The hub then lists the delivery again (a redelivery, docs/domain.md
§6), which is how the kit checks a DMS stores a redelivered package once.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

PREFIX = "XroadVnpt-"
# Hop-by-hop and framing headers aiohttp sets itself when forwarding.
_NOT_FORWARDED = {"host", "content-length", "transfer-encoding", "connection", "expect",
                  "accept-encoding", "keep-alive"}  # fmt: skip
MAX_BODY = 256 * 1024 * 1024


@dataclass
class Exchange:
    """One request the DMS made and what it got back."""

    at: float  # time.monotonic() when the request had arrived
    operation: str
    headers: dict[str, str]
    body: bytes
    http: int = 0
    answer: bytes = b""
    forwarded: bool = True

    def param(self, name: str) -> str:
        return self.headers.get(PREFIX + name, "")

    @property
    def payload(self) -> dict[str, Any]:
        try:
            value = json.loads(self.answer)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    @property
    def ok(self) -> bool:
        return self.payload.get("status") == "OK"

    @property
    def package(self) -> bytes:
        """sendEdoc: the file (the body without the SDK's trailing CRLF)."""
        return self.body[:-2] if self.body.endswith(b"\r\n") else self.body

    def fetched(self) -> bytes:
        """getEdoc: the package the hub answered with."""
        try:
            return base64.b64decode(str(self.payload.get("data", "")), validate=True)
        except (binascii.Error, ValueError):
            return b""

    def summary(self) -> str:
        params = ", ".join(
            f"{k.removeprefix(PREFIX)}={v}"
            for k, v in self.headers.items()
            if k.startswith(PREFIX) and k.removeprefix(PREFIX) in WATCHED
        )
        code = self.payload.get("ErrorCode", "")
        return f"{self.operation} ({params}): HTTP {self.http}, ErrorCode {code!r}"


WATCHED = ("messagetype", "from", "docid", "docId", "status", "hash-file")


@dataclass
class Recorder:
    upstream: str
    exchanges: list[Exchange] = field(default_factory=list)
    _lose: set[str] = field(default_factory=set)  # sha256 of packages whose next ack is "lost"
    _deliveries: dict[str, str] = field(default_factory=dict)  # delivery id -> package sha256
    _session: aiohttp.ClientSession | None = None
    _runner: web.AppRunner | None = None
    _event: asyncio.Event = field(default_factory=asyncio.Event)
    endpoint: str = ""

    async def start(self, port: int = 0) -> str:
        self._session = aiohttp.ClientSession(trust_env=False, auto_decompress=False)
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/{operation:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.endpoint = f"http://127.0.0.1:{port}"
        return self.endpoint

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()
        if self._session:
            await self._session.close()

    def lose_ack(self, package_sha256: str) -> None:
        self._lose.add(package_sha256)

    async def changed_since(self, count: int, timeout_s: float) -> bool:
        """Wait until more than ``count`` exchanges are recorded (False on timeout)."""
        deadline = time.monotonic() + timeout_s
        while len(self.exchanges) <= count:
            self._event.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event.wait(), min(left, 1.0))
        return True

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        exchange = Exchange(
            time.monotonic(), request.match_info["operation"], dict(request.headers), b""
        )
        exchange.body = await request.read()
        lost = self._lost_ack(exchange)
        if lost:
            exchange.forwarded = False
            exchange.http, exchange.answer = 200, lost
        else:
            await self._forward(request, exchange)
        self._learn(exchange)
        self.exchanges.append(exchange)
        self._event.set()
        return web.Response(
            body=exchange.answer, status=exchange.http, content_type="application/json"
        )

    async def _forward(self, request: web.Request, exchange: Exchange) -> None:
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED}
        url = f"{self.upstream}/{exchange.operation}"
        try:
            async with self._session.request(
                request.method, url, data=exchange.body, headers=headers,
                timeout=aiohttp.ClientTimeout(total=120),
            ) as answer:  # fmt: skip
                exchange.http, exchange.answer = answer.status, await answer.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            exchange.http = 502
            exchange.answer = json.dumps(
                {"status": "FAIL", "ErrorCode": "4.0.0", "ErrorDesc": f"sandbox hub: {exc!r}"}
            ).encode()

    def _learn(self, exchange: Exchange) -> None:
        if exchange.operation == "getEdoc" and exchange.ok:
            sha = hashlib.sha256(exchange.fetched()).hexdigest()
            self._deliveries[exchange.param("docId")] = sha

    def _lost_ack(self, exchange: Exchange) -> bytes:
        if exchange.operation != "updateStatus" or exchange.param("status") != "done":
            return b""
        sha = self._deliveries.get(exchange.param("docid"), "")
        if sha not in self._lose:
            return b""
        self._lose.discard(sha)
        return b'{"status":"OK","ErrorCode":"0","ErrorDesc":""}'
