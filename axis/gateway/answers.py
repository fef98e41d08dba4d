"""The gateway dialect's answers: ``{status, errorCode, errorDesc, data}`` (docs/gateway.md).

Successes are ``status`` OK, ``errorCode`` "0"; refusals are ``status`` FAIL with the catalogue
code, its actionable sentence and the catalogue's HTTP status, exactly as the SDK door answers
(axis/api/responses.py), plus ``code`` (the slug) and, for authentication refusals, the OAuth2
``error`` name (RFC 6749 / 6750) and a ``WWW-Authenticate`` header, so stock OAuth2 clients
understand them too.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from axis.api.responses import with_retry_after
from axis.errors import AxisError

# Catalogue codes -> the OAuth2 error name a token client expects.
OAUTH_ERRORS = {
    "5.8.11": "invalid_token",
    "5.8.12": "invalid_token",
    "5.8.13": "invalid_client",
}


def dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def ok(data: Any = None, **extra: Any) -> web.Response:
    body = {"status": "OK", "errorCode": "0", "errorDesc": "", "data": data, **extra}
    return web.json_response(body, dumps=dumps)


def fail(exc: AxisError, retry_after_s: int | None = None, path: str = "") -> web.Response:
    """The refusal answer of the gateway door (axis.api.responses.FailShape)."""
    body: dict[str, Any] = {
        "status": "FAIL",
        "errorCode": exc.code.code,
        "errorDesc": exc.reason,
        "data": None,
        "code": exc.code.slug,
    }
    oauth = OAUTH_ERRORS.get(exc.code.code)
    if oauth:
        body["error"] = oauth
    response = web.json_response(body, status=exc.code.http, dumps=dumps)
    if oauth == "invalid_token":
        response.headers["WWW-Authenticate"] = f'Bearer error="{oauth}"'
    return with_retry_after(response, exc, retry_after_s)
