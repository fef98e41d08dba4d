"""Every refusal is traceable: one log line and a count per code (docs/reliability.md §2).

IT staff must be able to answer "why did our send fail at 10:42?". The middleware (app.py)
calls ``refused`` for every 5.x.y answer: it writes ONE structured line (event ``refused``) with
the code, operation, calling system, claimed From, peer address, request id and reason, and
counts the code in the hub's RefusalCounts (served on ``GET /stats``). Only what the caller
claimed in plain headers is logged: never a secret, an HMAC (hash-header) or the signed header
blob. Packages refused after their checks are also recorded durably by the pipeline
(axis/intake/pipeline.py, the ``refusals`` table) under the same request id.
"""

from __future__ import annotations

import uuid
from collections import Counter

from aiohttp import web

from axis import logs
from axis.api.responses import fail_for
from axis.errors import AxisError

log = logs.get("axis.api")
PREFIX = "XroadVnpt-"
_REQUEST_ID: web.RequestKey[str] = web.RequestKey("request_id", str)
# The authenticated system, for doors whose requests do not name it in a header (axis/gateway).
CALLER_SYSTEM: web.RequestKey[str] = web.RequestKey("caller_system", str)


class RefusalCounts:
    """Refusals per code since the hub started (in process; a later issue exports them)."""

    def __init__(self) -> None:
        self.by_code: Counter[str] = Counter()

    def add(self, code: str) -> None:
        self.by_code[code] += 1

    def snapshot(self) -> dict[str, object]:
        return {"total": sum(self.by_code.values()), "by_code": dict(sorted(self.by_code.items()))}


def request_id(request: web.Request) -> str:
    """This request's id (made on first use): in the refusal line, the refusals table and the
    answer's X-Request-Id header, so a sender's report can be matched to the hub's records."""
    if _REQUEST_ID not in request:
        request[_REQUEST_ID] = uuid.uuid4().hex[:12]
    return request[_REQUEST_ID]


def refused(request: web.Request, exc: AxisError, counts: RefusalCounts | None) -> str:
    """Log and count one 5.x.y refusal; returns the request id for the answer's header."""
    rid = request_id(request)
    if counts is not None:
        counts.add(exc.code.code)
    headers = request.headers
    log.warning(
        "refused",
        code=exc.code.code,
        operation=request.match_info.get("operation", request.path),
        system=(request.get(CALLER_SYSTEM) or headers.get(PREFIX + "systemid") or "")[:64],
        claimed_from=headers.get(PREFIX + "from", "")[:64],
        peer=request.remote,
        request_id=rid,
        reason=exc.reason[:500],
    )
    return rid


def answer(request: web.Request, exc: AxisError, counts: RefusalCounts | None) -> web.Response:
    """The FAIL answer for a refusal, after its log line and count; carries X-Request-Id."""
    response = fail_for(request, exc)
    response.headers["X-Request-Id"] = refused(request, exc, counts)
    return response
