"""The admin API's routes, token check and error answers (docs/console.md).

Every refusal is a catalogued code in JSON ``{"code", "slug", "reason"}`` with the code's HTTP
status (5.8.14 without the right token, 5.1.5 for a bad parameter, 5.1.12 for an unknown id).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from axis.admin import openapi
from axis.config import Config
from axis.console import filters
from axis.console.counts import Totals
from axis.console.workday import overdue_cutoff, parse_end, store_time, zone
from axis.daemon import Daemon
from axis.errors import AxisError, Rejected
from axis.eventlog.story import hub_trace
from axis.store.base import Store
from axis.store.console_queries import cursor_of
from axis.store.console_rows import Page

DAEMON_OF: web.AppKey[Callable[[], Daemon]] = web.AppKey("admin_daemon_of")
CONFIG: web.AppKey[Config] = web.AppKey("admin_config", Config)
TOTALS: web.AppKey[Totals] = web.AppKey("admin_totals", Totals)
OPEN_PATHS = frozenset({"/admin/openapi.json"})


def admin_app(
    cfg: Config, parent: web.Application, daemon_key: web.AppKey[Daemon], totals: Totals
) -> web.Application:
    app = web.Application(middlewares=[_token_guard(cfg.console.admin_token_sha256)])
    app[DAEMON_OF] = lambda: parent[daemon_key]
    app[CONFIG] = cfg
    app[TOTALS] = totals
    app.router.add_get("/openapi.json", serve_openapi)
    app.router.add_get("/documents", documents)
    app.router.add_get("/documents/{doc_id}", document)
    app.router.add_get("/queue", queue)
    app.router.add_get("/deliveries", deliveries)
    app.router.add_get("/overdue", overdue)
    app.router.add_get("/refusals", refusals)
    app.router.add_get("/agencies", agencies)
    app.router.add_get("/systems", systems)
    app.router.add_get("/stats", stats)
    app.router.add_get("/trace", trace)
    return app


def error(exc: AxisError) -> web.Response:
    body = {"code": exc.code.code, "slug": exc.code.slug, "reason": exc.reason}
    return web.json_response(body, status=exc.code.http)


def _token_guard(expected_sha256: str) -> Any:
    expected = expected_sha256.strip().lower().encode()

    @web.middleware
    async def guard(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            if request.path not in OPEN_PATHS:
                scheme, _, token = request.headers.get("Authorization", "").partition(" ")
                given = hashlib.sha256(token.strip().encode()).hexdigest().encode()
                if scheme.lower() != "bearer" or not hmac.compare_digest(given, expected):
                    raise Rejected("5.8.14", "")
            return await handler(request)
        except AxisError as exc:
            return error(exc)

    return guard


def _store(request: web.Request) -> Store:
    return request.app[DAEMON_OF]().store


def _rows(rows: Sequence[Any]) -> list[Any]:
    return [
        dataclasses.asdict(row)
        if dataclasses.is_dataclass(row) and not isinstance(row, type)
        else row
        for row in rows
    ]


def _paged(
    rows: Sequence[Any], page: Page, key: Callable[[Any], str]
) -> tuple[list[Any], str | None]:
    shown = list(rows[: page.limit])
    return _rows(shown), key(shown[-1]) if len(rows) > page.limit else None


async def serve_openapi(request: web.Request) -> web.StreamResponse:
    return web.json_response(openapi.document())


async def documents(request: web.Request) -> web.StreamResponse:
    where = filters.document_filter(request.query)
    page = filters.page(request.query)
    found = await _store(request).search_documents(where, page)
    rows, after = _paged(found, page, lambda hit: cursor_of(hit.created_at, hit.id))
    return web.json_response({"documents": rows, "next": after})


async def document(request: web.Request) -> web.StreamResponse:
    doc_id = filters.text(request.match_info, "doc_id")
    store = _store(request)
    doc = await store.get_document(doc_id)
    if doc is None:
        raise Rejected("5.1.12", f"No document {doc_id!r}.")
    detail = await store.document_detail(doc_id)
    return web.json_response({"document": dataclasses.asdict(doc), **dataclasses.asdict(detail)})


async def queue(request: web.Request) -> web.StreamResponse:
    return web.json_response({"queue": _rows(await _store(request).queue_lines())})


async def deliveries(request: web.Request) -> web.StreamResponse:
    state = filters.open_state(request.query)
    page = filters.page(request.query)
    found = await _store(request).waiting_deliveries(state, page)
    rows, after = _paged(found, page, lambda w: cursor_of(w.delivery.created_at, w.delivery.id))
    return web.json_response({"state": state, "deliveries": rows, "next": after})


async def overdue(request: web.Request) -> web.StreamResponse:
    settings = request.app[CONFIG].console
    end, tz = parse_end(settings.working_day_end), zone(settings.timezone)
    arrived_by = store_time(overdue_cutoff(datetime.now(UTC), end, tz))
    page = filters.page(request.query)
    store = _store(request)
    found = await store.overdue_acknowledgements(arrived_by, page)
    rows, after = _paged(found, page, lambda w: cursor_of(w.delivery.created_at, w.delivery.id))
    total = await store.count_overdue(arrived_by)
    return web.json_response(
        {"arrived_by": arrived_by, "total": total, "deliveries": rows, "next": after}
    )


async def refusals(request: web.Request) -> web.StreamResponse:
    code = filters.refusal_code(request.query)
    page = filters.page(request.query)
    store = _store(request)
    found = await store.refusals_with_code(code, page)
    rows, after = _paged(found, page, lambda r: cursor_of(r.at, r.seq))
    codes = _rows(await store.refusal_codes())
    return web.json_response({"codes": codes, "refusals": rows, "next": after})


async def agencies(request: web.Request) -> web.StreamResponse:
    prefix = filters.text(request.query, "prefix")
    page = filters.page(request.query, default_limit=100)
    found = await _store(request).agencies_page(prefix, page)
    names = ("id", "name", "pid", "system_id", "upstream")
    rows, after = _paged(found, page, lambda row: str(row[0]))
    return web.json_response(
        {"agencies": [dict(zip(names, row, strict=True)) for row in rows], "next": after}
    )


async def systems(request: web.Request) -> web.StreamResponse:
    return web.json_response({"systems": _rows(await _store(request).list_systems())})


async def trace(request: web.Request) -> web.StreamResponse:
    """This hub's part of a document's story (``axis trace DOCID --hub URL``, docs/delivery-log.md
    "Across hubs"); 5.8.17 when this hub logged nothing for it."""
    query = filters.text(request.query, "doc")
    if not query:
        raise Rejected("5.1.5", "doc: give a hub DocId or an edXML DocumentId.")
    cfg = request.app[CONFIG]
    part = await hub_trace(_store(request), query, cfg.hub_id, cfg.hop_name)
    if not part.events:
        raise Rejected("5.8.17", f"{query!r} at {cfg.hub_id}.")
    return web.json_response(part.as_dict())


async def stats(request: web.Request) -> web.StreamResponse:
    snapshot = await request.app[TOTALS].read(request.app[DAEMON_OF]())
    return web.json_response(dataclasses.asdict(snapshot.counts))
