"""The SDK's response JSON: status OK/FAIL, ErrorCode ("0" on success), ErrorDesc.

Every refusal carries a catalogue code and a sentence a person can act on, with the catalogue's
HTTP status (docs/domain.md §6; axis/errors.py). Successes add the operation's fields (DocId, data,
count) and, where useful, ``code`` and ``warnings``.

The real SDK reads ``DocId`` from every sendEdoc answer without checking and dies when it is
missing (docs/domain.md §6), so every sendEdoc refusal, wherever it is produced (auth, the
middleware's overload and internal-error answers, the operation), carries ``"DocId": ""``.
The other operations' callers tolerate a FAIL answer without data/count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from axis import compact_json
from axis.errors import AxisError, Finding, StoreUnavailable


def ok(**fields: Any) -> web.Response:
    return web.json_response(
        {"status": "OK", "ErrorCode": "0", "ErrorDesc": "", **fields}, dumps=compact_json.dumps
    )


def warnings(findings: list[Finding]) -> list[dict[str, str]]:
    return [{"code": f.code, "desc": f.reason} for f in findings]


# Operations whose answers the SDK reads a field from even on refusal, and that field's value.
_ALWAYS_READ = {"/sendedoc": {"DocId": ""}}


def fail(exc: AxisError, retry_after_s: int | None = None, path: str = "") -> web.Response:
    """The FAIL answer for ``exc``; ``path`` (the request's) adds what that operation's SDK
    caller always reads (sendEdoc: DocId)."""
    body = {
        "status": "FAIL",
        "ErrorCode": exc.code.code,
        "ErrorDesc": exc.reason,
        "code": exc.code.slug,
        **_ALWAYS_READ.get(path.rstrip("/").lower(), {}),
    }
    response = web.json_response(body, status=exc.code.http, dumps=compact_json.dumps)
    return with_retry_after(response, exc, retry_after_s)


def with_retry_after(
    response: web.Response, exc: AxisError, retry_after_s: int | None
) -> web.Response:
    """Retry-After on answers that ask the client to come back (store down, 429, 503)."""
    if isinstance(exc, StoreUnavailable) or exc.code.http in (429, 503):
        response.headers["Retry-After"] = str(retry_after_s or 30)
    return response


# A door's refusal answer: (error, Retry-After seconds, request path) -> response. The SDK
# door's is ``fail``; another door mounted as a sub-application (axis/gateway) sets its own
# under FAIL_SHAPE, and the hub's middleware answers every refusal on that door in its shape.
FailShape = Callable[[AxisError, int | None, str], web.Response]
FAIL_SHAPE: web.AppKey[FailShape] = web.AppKey("fail_shape")


def fail_for(
    request: web.Request, exc: AxisError, retry_after_s: int | None = None
) -> web.Response:
    """The refusal answer in the shape of the door ``request`` came through: the innermost
    matched application's (the middleware runs in the hub's, so config_dict would not see it)."""
    shape = next(
        (app[FAIL_SHAPE] for app in reversed(request.match_info.apps) if FAIL_SHAPE in app), fail
    )
    return shape(exc, retry_after_s, request.path)
