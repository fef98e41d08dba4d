"""``POST /bridge/push``: a provincial hub takes a package its upstream pushes down.

The down hop by push (docs/tiers.md "Down by push"): the upstream's ``hub-push`` adapter
(axis/delivery/hub_push.py) POSTs each package addressed to this hub's agencies, signed with
the push scheme (axis/delivery/signing.py: the SDK's HMAC in reverse) keyed with this hub's
secret there (``upstream.secret``) for this hub's id there (``upstream.system_id``). The
package then passes the same intake as one pulled down (axis/bridge/inbound.py: caller
``upstream:<name>``, this hub's TraceHeader appended, the To entries served here kept), and
the answer comes only after the commit:

- 200 ``{"DocId": ...}``: stored here (a repeat is recognised by the intake's dedupe and
  answered with the first DocId: pushing down is idempotent);
- 401 5.8.18: not signed by our upstream (the request is not read further);
- 400 5.1.3: the body is not the one signed (hash-file);
- 422 with the intake's catalogued code: refused for good; the upstream records the failure
  and the sender sees the code and reason;
- 503 with Retry-After: not stored now (the store, a limit): the upstream retries.
A hub without [upstream] answers 404 5.1.6 (it has no upstream to take pushes from).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from aiohttp import web

from axis import logs
from axis.api.responses import fail, ok
from axis.delivery.signing import PushRefused, check_body, verify_push
from axis.directory import UPSTREAM_PREFIX
from axis.errors import AxisError, Deferred, Rejected
from axis.intake.context import Intake

if TYPE_CHECKING:
    from axis.daemon import Daemon

log = logs.get("axis.bridge")
PATH = "/bridge/push"


def mount(app: web.Application, daemon: Callable[[web.Request], Daemon]) -> None:
    """Route POST /bridge/push; ``daemon`` finds the running Daemon of a request."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return await receive(daemon(request), request)

    app.router.add_post(PATH, handler)


async def receive(daemon: Daemon, request: web.Request) -> web.Response:
    up = daemon.cfg.upstream
    if not up.url:
        raise Rejected("5.1.6", f"POST {PATH}: this hub has no [upstream] to take pushes from.")
    try:
        params = verify_push(request.raw_headers, up.system_id, up.secret)
        if not params.get("from"):
            raise PushRefused(401, "not signed: from")
    except PushRefused as refused:
        log.warning("bridge push: signature refused", reason=str(refused))
        return _answer(AxisError("5.8.18", str(refused)), 401)
    body = await request.read()
    try:
        check_body(params, body)
    except PushRefused as refused:
        return _answer(Rejected("5.1.3", str(refused)), 400)
    return await _intake(daemon, params, body)


async def _intake(daemon: Daemon, params: dict[str, str], body: bytes) -> web.Response:
    route = UPSTREAM_PREFIX + daemon.cfg.upstream.name
    received = datetime.now().astimezone()
    ctx = Intake(body, route, params["from"], params["messagetype"].lower(), received)
    ctx.request_id = f"bridge-push:{params['docid']}"
    try:
        await daemon.pipeline.run(ctx)
    except Deferred as later:
        log.warning("bridge push: not stored yet", upstream_doc=params["docid"], error=str(later))
        return _answer(later, 503, int(daemon.cfg.store.retry_after_s))
    except Rejected as refused:
        log.warning("bridge push: refused", upstream_doc=params["docid"], code=refused.code.code)
        return _answer(refused, 422)
    doc_id = ctx.doc_id or (ctx.duplicate_of.id if ctx.duplicate_of else "")
    log.info("bridge: stored from upstream (pushed)", upstream_doc=params["docid"], doc_id=doc_id)
    return ok(DocId=doc_id)


def _answer(exc: AxisError, status: int, retry_after_s: int | None = None) -> web.Response:
    response = fail(exc, retry_after_s)
    response.set_status(status)
    return response
