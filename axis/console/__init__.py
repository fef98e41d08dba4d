"""The IT staff console (/console/), the admin API (/admin/) and /metrics (docs/console.md).

``mount(app, cfg, daemon_key)`` adds whichever of them the config enables to the hub's app; with
``[console] enabled = false`` and no admin token there is no /console/ or /admin/ route at all.
"""

from __future__ import annotations

from aiohttp import web

from axis.config import Config
from axis.console import pages
from axis.console.counts import Totals
from axis.console.sessions import LoginThrottle
from axis.console.site import DAEMON_OF, SETTINGS, THROTTLE, TOTALS, guard
from axis.console.workday import parse_end, zone
from axis.daemon import Daemon


def console_app(
    cfg: Config, parent: web.Application, daemon_key: web.AppKey[Daemon], totals: Totals
) -> web.Application:
    parse_end(cfg.console.working_day_end)  # a bad setting stops the start, naming the key
    zone(cfg.console.timezone)
    app = web.Application(middlewares=[guard])
    app[DAEMON_OF] = lambda: parent[daemon_key]
    app[SETTINGS] = cfg.console
    app[THROTTLE] = LoginThrottle()
    app[TOTALS] = totals
    app.router.add_get("/", pages.home)
    app.router.add_get("/login", pages.login_form)
    app.router.add_post("/login", pages.login)
    app.router.add_post("/logout", pages.logout)
    app.router.add_get("/documents", pages.documents)
    app.router.add_get("/documents/{doc_id}", pages.document)
    app.router.add_get("/queue", pages.queue)
    app.router.add_post("/quarantine/{delivery_id}/release", pages.release)
    app.router.add_get("/overdue", pages.overdue)
    app.router.add_get("/refusals", pages.refusals)
    app.router.add_get("/directory", pages.directory)
    app.router.add_get("/stats", pages.stats)
    return app


def mount(app: web.Application, cfg: Config, daemon_key: web.AppKey[Daemon]) -> None:
    """Call before the hub's catch-all routes are added (axis/api/app.py)."""
    from axis import metrics
    from axis.admin import admin_app

    if not (cfg.console.enabled or cfg.console.admin_token_sha256 or cfg.console.metrics):
        return
    totals = Totals(cfg.console.counts_refresh_s)
    if cfg.console.enabled:
        app.add_subapp("/console/", console_app(cfg, app, daemon_key, totals))
    if cfg.console.admin_token_sha256:
        app.add_subapp("/admin/", admin_app(cfg, app, daemon_key, totals))
    if cfg.console.metrics:
        metrics.mount(app, cfg, daemon_key, totals)
