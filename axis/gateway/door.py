"""What every gateway operation passes before it runs, as the SDK door's dispatch does
(axis/api/app.py): the bearer token (tokens.py), then the system's share of the hub
(axis/api/limits.py). Refusals raised here or in an operation reach the hub's middleware, which
logs and counts them (axis/api/refusals.py) and answers in this door's shape (answers.py).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from axis.api import app as api_app
from axis.api.body import read_limited
from axis.api.bounded import Unbounded, ascii_int, json_loads
from axis.api.ops_inbox import MAX_PAGING
from axis.daemon import Daemon
from axis.errors import Rejected
from axis.gateway.tokens import Tokens

Operation = Callable[[Daemon, str, web.Request], Awaitable[web.StreamResponse]]
SMALL_JSON = 64 * 1024
TOKENS: web.AppKey[Tokens] = web.AppKey("gateway_tokens", Tokens)


def daemon_of(request: web.Request) -> Daemon:
    return request.config_dict[api_app.DAEMON]


def operation(run: Operation) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """An aiohttp handler: authenticate the bearer token, admit the system, run ``run``."""

    async def handler(request: web.Request) -> web.StreamResponse:
        daemon = daemon_of(request)
        system_id = await request.config_dict[TOKENS].system_of(daemon, request)
        request.config_dict[api_app.PEER_GUARD].authenticated(request.transport)
        with request.config_dict[api_app.SHARES].admit(system_id):
            return await run(daemon, system_id, request)

    return handler


def paging(request: web.Request) -> tuple[int | None, int]:
    """?limit= and ?offset=: ASCII digits up to MAX_PAGING each, as the SDK door's headers."""
    try:
        limit, offset = (
            ascii_int(text, MAX_PAGING) if (text := request.query.get(name, "")) else None
            for name in ("limit", "offset")
        )
    except Unbounded as exc:
        raise Rejected("5.1.5", f"limit and offset must be 0..{MAX_PAGING}: {exc}.") from exc
    return limit, offset or 0


async def json_object(request: web.Request, limit: int) -> dict[str, Any]:
    """The request's JSON object body, read under ``limit`` bytes and the body timeouts.

    Small bodies go through the bounded parser (size and depth checked first); a package body
    (megabytes of base64) skips its byte-by-byte depth scan, which would cost seconds in
    Python: the C parser refuses deep nesting itself (RecursionError)."""
    raw = await read_limited(request, limit) or b"{}"
    try:
        body = json_loads(raw, limit) if limit <= SMALL_JSON else json.loads(raw)
    except (ValueError, RecursionError) as exc:  # Unbounded is a ValueError
        raise Rejected("5.1.5", f"The body must be a JSON object: {exc}.") from exc
    if not isinstance(body, dict):
        raise Rejected("5.1.5", "The body must be a JSON object.")
    return body


def text_field(body: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = body.get(name, "")
    if not isinstance(value, str):
        raise Rejected("5.1.5", f"{name} must be a string.")
    if required and not value:
        raise Rejected("5.1.4", f"The body needs {name}.")
    return value
