"""A second front door: the provincial gateway's REST dialect (docs/gateway.md, docs/domain.md §8).

DMSs of a province that reach the axis through its API gateway speak REST, not the SDK:
``vanbans`` (inbox, one package, send, acknowledge) and ``donvilienthongs`` (directory) under
``gateway.base_path``, an OAuth2 client-credentials token from ``gateway.token_path``, answers
``{status, errorCode, errorDesc, data}``. This package is only that door: every operation calls
the same functions the SDK operations call (axis/api/ops_*.py: intake pipeline, store,
directory rules), so a package sent here is exactly one sent over the SDK.

Mounted by axis/api/app.py as two sub-applications (the base path and the token path), so the
hub's middleware (in-flight limit, refusal log and count) covers them, and ``FAIL_SHAPE`` makes
it answer their refusals in this dialect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from axis.api import app as api_app
from axis.api.ops_directory import JSON_LIMIT
from axis.api.responses import FAIL_SHAPE
from axis.config import Config
from axis.errors import Rejected
from axis.gateway import answers, units, vanbans
from axis.gateway.door import TOKENS, daemon_of, operation
from axis.gateway.tokens import FORM_LIMIT, Tokens
from axis.gateway.vanbans import ENVELOPE_BYTES

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def mount(app: web.Application, cfg: Config) -> None:
    """Add the gateway's routes to the hub ``app`` (before its catch-all routes)."""
    if not cfg.gateway.enabled:
        return
    tokens = Tokens(cfg.gateway.token_ttl_s)
    app.add_subapp(cfg.gateway.base_path, _operations(tokens, cfg.intake.max_body_bytes))
    app.add_subapp(cfg.gateway.token_path, _token_endpoint(tokens))


def _door(tokens: Tokens) -> web.Application:
    door = web.Application()
    door[FAIL_SHAPE] = answers.fail
    door[TOKENS] = tokens
    return door


def _operations(tokens: Tokens, max_package: int) -> web.Application:
    """The dialect's routes; each refuses a body declared over its own limit before
    ``100 Continue`` (axis/api/app.py ``expect_within``): tests/attacks/test_expect_oversize.py."""
    door = _door(tokens)

    def add(method: str, path: str, handler: Handler, limit: int = ENVELOPE_BYTES) -> None:
        door.router.add_route(method, path, handler, expect_handler=api_app.expect_within(limit))

    add("GET", "/vanbans", operation(vanbans.inbox))
    add("POST", "/vanbans", operation(vanbans.send), vanbans.send_limit(max_package))
    add("GET", "/vanbans/{docId}", operation(vanbans.one))
    add("PUT", "/vanbans/{docId}", operation(vanbans.set_status))
    add("GET", "/donvilienthongs", operation(units.national))
    add("POST", "/donvilienthongs", operation(units.add), JSON_LIMIT)
    add("PUT", "/donvilienthongs", operation(units.remove), JSON_LIMIT)
    add("GET", "/donvilienthongs/{province}", operation(units.province))
    add("*", "/{tail:.*}", _unknown)
    return door


def _token_endpoint(tokens: Tokens) -> web.Application:
    door = _door(tokens)
    expect = api_app.expect_within(FORM_LIMIT)
    door.router.add_post("", _issue_token, expect_handler=expect)
    door.router.add_route("*", "", _unknown, expect_handler=expect)
    return door


async def _issue_token(request: web.Request) -> web.Response:
    """POST <token_path>: the OAuth2 answer (RFC 6749 §5.1) inside the dialect's envelope."""
    token, _ = await request.config_dict[TOKENS].issue(daemon_of(request), request)
    grant = {"access_token": token, "token_type": "Bearer", "expires_in": tokens_ttl(request)}
    return answers.ok(grant, **grant)


def tokens_ttl(request: web.Request) -> int:
    return request.config_dict[TOKENS].ttl_s


async def _unknown(request: web.Request) -> web.StreamResponse:
    raise Rejected(
        "5.1.6",
        f"{request.method} {request.path}; the gateway serves GET/POST vanbans, GET/PUT "
        "vanbans/{docId}, GET/POST/PUT donvilienthongs, GET donvilienthongs/{province}, "
        "POST token.",
    )
