"""A loopback HTTP proxy between two hubs that holds the first status package back: how the
tier tests make a hub's statuses race (docs/decisions.md "Status packages keep their order
between hubs").

Every request is passed to ``target`` as it came (method, path, headers, body) and answered
with the target's answer. The first request that carries a status package (header
``XroadVnpt-messagetype: status`` and a StatusCode in the body: the SDK's sendEdoc and the
hub-push adapter both send that) is held until a later status request has been answered, or
``hold_s`` has passed. A hub that keeps its statuses in order sends no other status meanwhile,
so the first one just arrives ``hold_s`` late; a hub that does not has the second overtake it.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.support.loopback import serve_on_loopback

# Not passed on: the connection's own (aiohttp sets them again for each side); bodies pass
# decoded, so their encoding does not either.
_HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection", "content-encoding"}
_STATUS_CODE = re.compile(rb"StatusCode>\s*(\d+)\s*<")


@dataclass
class HoldProxy:
    target: str  # e.g. http://127.0.0.1:8081
    hold_s: float = 2.0
    # (StatusCode, HTTP status answered) of each status request, in the order answered
    answered: list[tuple[str, int]] = field(default_factory=list)
    most_in_flight: int = 0  # status requests the target was handling at once, at most
    port: int = 0  # where it listens on 127.0.0.1
    _in_flight: int = 0
    _held: bool = False
    _overtaken: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: Any = None
    _session: aiohttp.ClientSession | None = None

    async def start(self) -> HoldProxy:
        app = web.Application(client_max_size=128 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self._runner, self.port = await serve_on_loopback(app)
        self._session = aiohttp.ClientSession()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        code = _status_code(request, body)
        if code is None:
            return await self._pass(request, body)
        if not self._held:  # the first status waits for a later one's answer, or hold_s
            self._held = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._overtaken.wait(), self.hold_s)
        self._in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self._in_flight)
        try:
            response = await self._pass(request, body)
        finally:
            self._in_flight -= 1
        self.answered.append((code, response.status))
        self._overtaken.set()
        return response

    async def _pass(self, request: web.Request, body: bytes) -> web.Response:
        assert self._session is not None, "start() first"
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        async with self._session.request(
            request.method, self.target + request.path_qs, headers=headers, data=body
        ) as answer:
            data = await answer.read()
            back = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP}
            return web.Response(body=data, status=answer.status, headers=back)


def _status_code(request: web.Request, body: bytes) -> str | None:
    """The StatusCode of a status package this request carries; None for anything else."""
    if request.headers.get("XroadVnpt-messagetype", "").lower() != "status":
        return None
    found = _STATUS_CODE.search(body)
    return found.group(1).decode() if found else None
