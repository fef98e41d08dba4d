"""A push endpoint for the delivery tests and bench/push.py: a real aiohttp server on loopback.

It verifies each push exactly as an endpoint must (axis/delivery/signing.py: HMAC with the
system's secret, timestamp window, body against hash-file), keeps each delivery's bytes once
by delivery id, and answers as the test sets ``mode``: "up" (200 after keeping it), "down"
(503), "refuse" (400), "slow" (holds the answer until ``release`` is set). Every request is
counted, so a test sees retries and duplicates.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from axis.delivery.signing import PushRefused, check_body, verify_push
from tests.support.loopback import serve_on_loopback


@dataclass
class Receiver:
    system_id: str
    secret: str
    mode: str = "up"
    stored: dict[str, bytes] = field(default_factory=dict)  # delivery id -> bytes, kept once
    requests: Counter[str] = field(default_factory=Counter)  # delivery id -> requests seen
    answered_ok: Counter[str] = field(default_factory=Counter)  # delivery id -> 200s answered
    attempts: list[tuple[str, str]] = field(default_factory=list)  # (delivery id, attempt)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    first_ok_at: float = 0.0  # time.monotonic() of the first and the latest 200 answered
    last_ok_at: float = 0.0
    url: str = ""
    _runner: Any = None

    async def start(self) -> Receiver:
        app = web.Application(client_max_size=128 * 1024 * 1024)
        app.router.add_post("/push", self.handle)
        self._runner, port = await serve_on_loopback(app)
        self.url = f"http://127.0.0.1:{port}/push"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def handle(self, request: web.Request) -> web.Response:
        try:
            params = verify_push(request.raw_headers, self.system_id, self.secret)
            body = await request.read()
            check_body(params, body)
        except PushRefused as refused:
            return web.json_response(
                {"status": "FAIL", "ErrorDesc": str(refused)}, status=refused.status
            )
        delivery = params["docid"]
        self.requests[delivery] += 1
        self.attempts.append((delivery, params["attempt"]))
        if self.mode == "down":
            return web.json_response({"status": "FAIL"}, status=503)
        if self.mode == "refuse":
            return web.json_response({"status": "FAIL", "ErrorDesc": "not ours"}, status=400)
        self.stored.setdefault(delivery, body)
        if self.mode == "slow":
            await self.release.wait()
        self.answered_ok[delivery] += 1
        self.last_ok_at = time.monotonic()
        self.first_ok_at = self.first_ok_at or self.last_ok_at
        return web.json_response({"status": "OK"})
