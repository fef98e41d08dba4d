"""The aiohttp application: the VXP-compatible API (docs/domain.md §6) plus /getReceipt and /healthz.

Top of the flow: request -> middleware (errors, global concurrency limit) -> authentication
(auth.py) -> the system's share (limits.py) -> operation handler -> intake / store. /healthz
is outside every limit, so it answers while the hub is saturated. ``create_app(cfg)`` builds the app in-process (tests,
benchmarks); axis/api/serving.py runs it as the daemon.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web

from axis import console, gateway, logs
from axis.api import openapi, ops_directory, ops_inbox, ops_send, refusals
from axis.api.auth import Caller
from axis.api.body import BODY_TIMEOUTS, BodyTimeouts, check_declared
from axis.api.connections import PeerGuard
from axis.api.limits import SHARE_RETRY_AFTER_S, SystemShares
from axis.api.responses import fail_for, ok
from axis.bridge import receive as bridge_receive
from axis.config import Config
from axis.daemon import Daemon
from axis.errors import AxisError, Rejected, StoreUnavailable

log = logs.get("axis.api")
DAEMON: web.AppKey[Daemon] = web.AppKey("daemon", Daemon)
CONFIG: web.AppKey[Config] = web.AppKey("config", Config)

Operation = Callable[[Daemon, Caller, web.Request], Awaitable[web.StreamResponse]]
OPERATIONS: dict[str, Operation] = {
    "sendEdoc": ops_send.send_edoc,
    "getReceivedEdocList": ops_inbox.received_list,
    "getEdoc": ops_inbox.get_edoc,
    "updateStatus": ops_inbox.update_status,
    "getSentEdocList": ops_inbox.sent_list,
    "countReceiveEdoc": ops_inbox.count_edoc,
    "countReceiveStatus": ops_inbox.count_status,
    "getAgenciesList": ops_directory.agencies_list,
    "registerAgency": ops_directory.register_agency,
    "deleteAgency": ops_directory.delete_agency,
    "getReceipt": ops_send.get_receipt,
}
_BY_LOWER = {name.lower(): handler for name, handler in OPERATIONS.items()}


class InFlight:
    """Requests in flight; beyond daemon.max_concurrent_requests answer 503 4.7.2 at once.
    Graceful shutdown (serving.py) waits for ``current`` to reach zero."""

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self.current = 0


IN_FLIGHT: web.AppKey[InFlight] = web.AppKey("in_flight", InFlight)
SHARES: web.AppKey[SystemShares] = web.AppKey("shares", SystemShares)
PEER_GUARD: web.AppKey[PeerGuard] = web.AppKey("peer_guard", PeerGuard)
_SHARE_CODES = frozenset({"4.7.5", "4.7.6"})


def _middleware(cfg: Config, limit: InFlight) -> Any:
    retry_after = cfg.store.retry_after_s

    @web.middleware
    async def errors(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path == "/healthz":
            return await handler(request)
        if limit.current >= limit.maximum:
            overload = AxisError("4.7.2", f"{limit.current} requests in flight.")
            return fail_for(request, overload, retry_after)
        limit.current += 1
        try:
            return await handler(request)
        except AxisError as exc:
            if exc.code.klass == 5:  # one log line, counted (axis/api/refusals.py)
                return refusals.answer(request, exc, _refusal_counts(request))
            log.warning("deferred", path=request.path, code=exc.code.code, detail=exc.detail)
            wait = SHARE_RETRY_AFTER_S if exc.code.code in _SHARE_CODES else retry_after
            return fail_for(request, exc, wait)
        except web.HTTPException:
            raise
        except asyncio.CancelledError:
            if _peer_gone(request):  # aiohttp cancels a handler whose client went away
                log.info("client disconnected", path=request.path, during="cancelled")
            raise
        except Exception as exc:
            if logs.is_disconnect(exc) or (_peer_gone(request) and isinstance(exc, OSError)):
                log.info("client disconnected", path=request.path, error=type(exc).__name__)
                raise
            request_id = refusals.request_id(request)
            log.exception("internal error", path=request.path, request_id=request_id)
            return refusals.answer(
                request, AxisError("5.7.3", f"Request id {request_id}."), _refusal_counts(request)
            )
        finally:
            limit.current -= 1

    return errors


def _refusal_counts(request: web.Request) -> refusals.RefusalCounts | None:
    daemon = request.config_dict.get(DAEMON)
    return daemon.refusals if daemon is not None else None


def _peer_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


async def dispatch(request: web.Request) -> web.StreamResponse:
    """POST /<operation>: authenticate, then run the operation."""
    name = request.match_info["operation"]
    handler = OPERATIONS.get(name) or _BY_LOWER.get(name.lower())
    if handler is None:
        raise Rejected("5.1.6", f"{name!r}; operations: {', '.join(OPERATIONS)}.")
    daemon = request.app[DAEMON]
    caller = await daemon.auth.authenticate(request.raw_headers)
    request.app[PEER_GUARD].authenticated(request.transport)
    with request.app[SHARES].admit(caller.system_id):
        return await handler(daemon, caller, request)


def expect_within(limit: int) -> Callable[[web.Request], Awaitable[web.StreamResponse | None]]:
    """``Expect: 100-continue``: a body declared over ``limit`` bytes is refused (5.1.1) before
    the client is told to send it; otherwise 100 Continue, as aiohttp's default handler does.
    This runs before the middleware, so the refusal is logged and counted here, in the shape of
    the door the route belongs to (the gateway's routes use it too, docs/gateway.md)."""

    async def expect(request: web.Request) -> web.StreamResponse | None:
        try:
            check_declared(request, limit)
        except Rejected as refused:
            return refusals.answer(request, refused, _refusal_counts(request))
        if request.headers.get("Expect", "").lower() != "100-continue":
            raise web.HTTPExpectationFailed(text=f"Unknown Expect: {request.headers['Expect']}")
        if request.version >= (1, 1):
            await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            request.writer.output_size = 0  # the interim answer is not part of the response
        return None

    return expect


async def unknown(request: web.Request) -> web.StreamResponse:
    raise Rejected("5.1.6", f"{request.method} {request.path}; every operation is a POST.")


async def healthz(request: web.Request) -> web.StreamResponse:
    """200 while the store answers reads; 503 4.7.1 + Retry-After while it cannot (a load
    balancer then sends traffic elsewhere; docs/operations.md "When a part fails")."""
    daemon = request.app[DAEMON]
    try:
        await daemon.store.get_secret("")
    except StoreUnavailable as exc:
        log.warning("unhealthy: the store is unavailable", detail=exc.detail)
        unavailable = StoreUnavailable("The store is unavailable; the hub's log says why.")
        return fail_for(request, unavailable, daemon.cfg.store.retry_after_s)
    return ok(service="axis")


async def stats(request: web.Request) -> web.StreamResponse:
    """GET /stats: refusals per code since start (JSON; a later issue adds Prometheus)."""
    return ok(refused=request.app[DAEMON].refusals.snapshot())


async def _hub_context(app: web.Application) -> AsyncIterator[None]:
    daemon = await Daemon.start(app[CONFIG])
    app[DAEMON] = daemon
    log.info("hub started", store=daemon.cfg.store.path, policy=daemon.cfg.intake.policy)
    try:
        yield
    finally:
        await daemon.close()
        log.info("hub stopped")


def create_app(cfg: Config) -> web.Application:
    """The application; the store opens on startup and closes on cleanup."""
    in_flight = InFlight(cfg.hub.max_concurrent_requests)
    app = web.Application(
        middlewares=[_middleware(cfg, in_flight)], client_max_size=cfg.intake.max_body_bytes
    )
    app[CONFIG] = cfg
    app[IN_FLIGHT] = in_flight
    app[SHARES] = SystemShares(cfg.hub)
    app[PEER_GUARD] = PeerGuard(cfg.hub.max_unauthenticated_connections_per_peer)
    app[BODY_TIMEOUTS] = BodyTimeouts(
        cfg.hub.body_idle_timeout_s, cfg.hub.body_deadline_s, cfg.hub.body_min_bytes_per_s
    )
    app.cleanup_ctx.append(_hub_context)
    console.mount(app, cfg, DAEMON)  # /console/, /admin/, /metrics when configured
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/openapi.json", openapi.serve)
    app.router.add_get("/stats", stats)
    gateway.mount(app, cfg)  # the provincial gateway's REST dialect (docs/gateway.md)
    bridge_receive.mount(app, lambda request: request.app[DAEMON])  # POST /bridge/push
    expect = expect_within(cfg.intake.max_body_bytes)
    app.router.add_post("/{operation}", dispatch, expect_handler=expect)
    app.router.add_route("*", "/{tail:.*}", unknown)
    return app


def server_args(cfg: Config) -> dict[str, Any]:
    """aiohttp server limits: header fields long enough that OUR limit (5.1.7) answers first;
    the keep-alive timer closes idle connections and slow headers (connections.py)."""
    field = max(cfg.intake.max_header_bytes * 2, 16384)
    return {
        "max_field_size": field,
        "max_line_size": field,
        "keepalive_timeout": cfg.hub.header_timeout_s,
    }
