"""The console's plumbing: templates, the page answer, the session guard (docs/console.md).

Server-rendered HTML with jinja2 (autoescaping on: every value a sender chose, such as a
subject, is escaped), no script at all; the Content-Security-Policy forbids scripts, frames and
foreign form targets, so even an escaping mistake could not run code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from axis.config import ConsoleConfig
from axis.console import labels
from axis.console.counts import Totals
from axis.console.sessions import LOGIN_COOKIE, LoginThrottle, current, same
from axis.daemon import Daemon
from axis.errors import AxisError
from axis.store.console_rows import Session

DAEMON_OF: web.AppKey[Callable[[], Daemon]] = web.AppKey("console_daemon_of")
SETTINGS: web.AppKey[ConsoleConfig] = web.AppKey("console_settings", ConsoleConfig)
THROTTLE: web.AppKey[LoginThrottle] = web.AppKey("console_throttle", LoginThrottle)
TOTALS: web.AppKey[Totals] = web.AppKey("console_totals", Totals)
SESSION: web.RequestKey[Session] = web.RequestKey("console_session", Session)
OPEN_PATHS = frozenset({"/console/login"})
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
TEMPLATES.filters.update(
    biz=labels.biz_status, state=labels.state, mtype=labels.message_type, event=labels.event
)


def daemon(request: web.Request) -> Daemon:
    return request.app[DAEMON_OF]()


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    session = request.get(SESSION)
    page = TEMPLATES.get_template(template).render(
        operator=session.operator if session else "",
        csrf=session.csrf if session else "",
        path=request.path,
        **context,
    )
    return web.Response(text=page, status=status, content_type="text/html", headers=HEADERS)


def error_page(request: web.Request, exc: AxisError) -> web.Response:
    response = render(request, "error.html", status=exc.code.http, error=exc)
    if exc.code.http == 429:
        response.headers["Retry-After"] = "60"
    return response


@web.middleware
async def guard(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every page but the login needs a live session; every POST needs its CSRF token.
    Refusals are answered as pages with their code (and not counted as API refusals)."""
    try:
        if request.path not in OPEN_PATHS:
            session = await current(daemon(request).store, request)
            if session is None:
                raise web.HTTPSeeOther("/console/login")
            request[SESSION] = session
            if request.method == "POST":
                form = await request.post()
                if not same(str(form.get("csrf", "")), session.csrf):
                    raise AxisError("5.8.16", "")
        elif request.method == "POST":
            form = await request.post()
            if not same(str(form.get("csrf", "")), request.cookies.get(LOGIN_COOKIE, "")):
                raise AxisError("5.8.16", "The login form's token does not match its cookie.")
        return await handler(request)
    except AxisError as exc:
        return error_page(request, exc)
