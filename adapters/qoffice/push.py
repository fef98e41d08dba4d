"""Receiving by push: ``POST /vxp/push``, the hub hands one package over (docs/delivery.md).

The hub signs each push with this system's own secret (axis/delivery/signing.py, docs/api.md
"Push"); the route verifies the signature, the timestamp and the body's hash, stores the
package exactly as the pull loop does (idempotent by DocumentId: a redelivery after a lost
answer is found stored and answered OK again), commits, and only then answers 200. Answers:
401 bad signature, 404 an agency this endpoint does not serve, 400 a package it cannot
store (the hub gives up: permanent), 503 its own database failing (the hub retries).
"""

from __future__ import annotations

import sqlite3

from aiohttp import web

from adapters.qoffice.sync import HubLink
from axis import logs
from axis.delivery.signing import PushRefused, check_body, verify_push
from axis.errors import Rejected

PUSH_PATH = "/vxp/push"
LINK = web.AppKey("link", HubLink)
log = logs.get("adapters.qoffice")


def add_push_route(app: web.Application, link: HubLink) -> None:
    app[LINK] = link
    app.router.add_post(PUSH_PATH, receive_push)


def _answer(status: int, desc: str = "", **extra: object) -> web.Response:
    body = {"status": "OK" if status == 200 else "FAIL", "ErrorDesc": desc, **extra}
    return web.json_response(body, status=status)


async def receive_push(request: web.Request) -> web.Response:
    link = request.app[LINK]
    hub = link.registers.config.hub
    try:
        params = verify_push(request.raw_headers, hub.system_id, hub.secret)
        if params["to"] not in link.ours:
            raise PushRefused(404, f"{params['to']} is not an agency this endpoint serves")
        if params["messagetype"] not in ("edoc", "status"):
            raise PushRefused(400, f"messagetype {params['messagetype']!r}")
        body = await request.read()
        check_body(params, body)
    except PushRefused as refused:
        log.warning("push-refused", status=refused.status, reason=str(refused))
        return _answer(refused.status, str(refused))
    try:
        fresh = await link.receive(params["docid"], params["to"], body, params["messagetype"])
    except (Rejected, ValueError, KeyError) as exc:
        log.warning("cannot-store", delivery=params["docid"], error=str(exc))
        return _answer(400, f"cannot store: {exc}")
    except sqlite3.Error as exc:
        return _answer(503, f"database: {exc}")
    return _answer(200, stored="new" if fresh else "already")
