"""The console's pages (docs/console.md): search, a document's timeline, the queue, refusals,
the directory, overdue acknowledgements, statistics. Each is one or a few indexed, keyset-paged
store reads (axis/store/console_queries.py) rendered by a template in templates/.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from aiohttp import web

from axis import logs
from axis.console import charts, filters, sessions
from axis.console.counts import DAYS
from axis.console.passwords import verify
from axis.console.site import SESSION, SETTINGS, THROTTLE, TOTALS, daemon, render
from axis.console.workday import overdue_cutoff, parse_end, store_time, zone
from axis.directory import UPSTREAM_PREFIX
from axis.errors import CATALOGUE, AxisError, Rejected
from axis.eventlog import hops
from axis.store.console_queries import cursor_of
from axis.store.console_rows import DeliveryRow, DocumentDetail, Page

T = TypeVar("T")
log = logs.get("axis.console")


def paged(rows: Sequence[T], page: Page) -> tuple[Sequence[T], bool]:
    """The page's rows, and whether there is a next page (the store reads one row more)."""
    return rows[: page.limit], len(rows) > page.limit


def next_link(request: web.Request, after: str) -> str:
    query = {k: v for k, v in request.query.items() if k != "after" and v}
    return f"{request.path}?{urlencode({**query, 'after': after})}"


def see_other(location: str) -> web.Response:
    """A 303 answer that can carry cookies (an HTTPException cannot be returned)."""
    return web.Response(status=303, headers={"Location": location})


# -- login ------------------------------------------------------------------------------


async def login_form(request: web.Request) -> web.StreamResponse:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", login_csrf=token, error=None)
    sessions.set_cookie(response, request.app[SETTINGS], sessions.LOGIN_COOKIE, token, 3600)
    return response


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    name = str(form.get("name", ""))[:200]
    password = str(form.get("password", ""))[:1000]
    throttle = request.app[THROTTLE]
    if throttle.blocked_for(name) > 0:
        raise AxisError("4.8.1", f"Operator {name!r}.")
    hub = daemon(request)
    stored = await hub.store.operator_hash(name)
    loop = asyncio.get_running_loop()
    if not await loop.run_in_executor(hub.executor, verify, stored, password):
        throttle.failed(name)
        log.warning("console login refused", operator=name, peer=request.remote)
        raise Rejected("5.8.15", "")
    throttle.succeeded(name)
    log.info("console login", operator=name, peer=request.remote)
    token = await sessions.open_session(hub.store, request.app[SETTINGS], name)
    response = see_other("/console/documents")
    settings = request.app[SETTINGS]
    sessions.set_cookie(response, settings, sessions.SESSION_COOKIE, token, settings.session_ttl_s)
    response.del_cookie(sessions.LOGIN_COOKIE, path=sessions.PATH)
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    token = request.cookies.get(sessions.SESSION_COOKIE, "")
    await daemon(request).store.close_session(sessions.token_hash(token))
    response = see_other("/console/login")
    response.del_cookie(sessions.SESSION_COOKIE, path=sessions.PATH)
    return response


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/console/documents")


# -- documents --------------------------------------------------------------------------


async def documents(request: web.Request) -> web.StreamResponse:
    where = filters.document_filter(request.query)
    refusal_code = filters.refusal_code(request.query)
    page = filters.page(request.query)
    store = daemon(request).store
    hits: Sequence[Any] = []
    refusals: Sequence[Any] = []
    if refusal_code:  # refused packages are not documents: they have their own table
        refusals, more = paged(await store.refusals_with_code(refusal_code, page), page)
        after = cursor_of(refusals[-1].at, refusals[-1].seq) if more else ""
    else:
        hits, more = paged(await store.search_documents(where, page), page)
        after = cursor_of(hits[-1].created_at, hits[-1].id) if more else ""
    return render(
        request, "documents.html", where=where, refusal_code=refusal_code, hits=hits,
        refusals=refusals, next=next_link(request, after) if more else "",
    )  # fmt: skip


async def document(request: web.Request) -> web.StreamResponse:
    doc_id = request.match_info["doc_id"]
    store = daemon(request).store
    doc = await store.get_document(doc_id)
    if doc is None:
        raise Rejected("5.1.12", f"No document {doc_id!r}.")
    detail = await store.document_detail(doc_id)
    hub_id = daemon(request).cfg.hub_id
    return render(
        request, "document.html", doc=doc, detail=detail,
        timelines=[(d, timeline(doc.created_at, d, detail)) for d in detail.deliveries],
        hops=hop_trace(doc.id, doc.created_at, detail, hub_id),
    )  # fmt: skip


def hop_trace(
    doc_id: str, accepted_at: str, detail: DocumentDetail, hub_id: str
) -> list[dict[str, str]]:
    """The hubs the document passed (docs/delivery-log.md "Across hubs"): those before this
    one, as its received event names them (TraceHeader times), this hub, and the hubs it
    goes on to (deliveries routed upstream:<hub>)."""
    received = [e for e in detail.events if e.kind == "received" and e.doc_id == doc_id]
    before = hops.decode(received[0].detail) if received else []
    rows = [{"hub": organ, "at": stamp, "what": "TraceHeader"} for organ, stamp in before]
    rows.append({"hub": hub_id, "at": accepted_at[:19], "what": "this hub accepted it"})
    rows += [
        {"hub": d.route.removeprefix(UPSTREAM_PREFIX), "at": d.updated_at[:19],
         "what": f"onward for {d.agency}: {d.state}{' — ' + d.last_error if d.last_error else ''}"}
        for d in detail.deliveries
        if d.route.startswith(UPSTREAM_PREFIX)
    ]  # fmt: skip
    return rows


def timeline(
    accepted_at: str, delivery: DeliveryRow, detail: DocumentDetail
) -> list[dict[str, str]]:
    """One recipient's story in time order: accepted, fetched, acknowledged, each business
    status it reported (docs/domain.md §5)."""
    entries = [{"at": accepted_at, "what": "accepted", "kind": "event", "detail": ""}]
    entries += [
        {"at": e.at, "what": e.kind, "kind": "event", "detail": e.detail}
        for e in detail.events
        if e.delivery_id == delivery.id
    ]
    entries += [
        {"at": s.created_at, "what": s.code, "kind": "status", "detail": s.status_doc}
        for s in detail.statuses
        if s.agency == delivery.agency
    ]
    return sorted(entries, key=lambda entry: entry["at"])


# -- the queue, overdue acknowledgements ------------------------------------------------


async def queue(request: web.Request) -> web.StreamResponse:
    state = filters.open_state(request.query)
    page = filters.page(request.query)
    store = daemon(request).store
    lines = await store.queue_lines()
    quarantined = await store.push_quarantined(limit=200)
    rows, more = paged(await store.waiting_deliveries(state, page), page)
    after = cursor_of(rows[-1].delivery.created_at, rows[-1].delivery.id) if more else ""
    now = datetime.now(UTC)
    return render(
        request, "queue.html", lines=lines, state=state, rows=rows, quarantined=quarantined,
        ages={line.destination + line.state: age(now, line.oldest) for line in lines},
        next=next_link(request, after) if more else "",
    )  # fmt: skip


async def release(request: web.Request) -> web.StreamResponse:
    """POST (CSRF-checked by the guard): a quarantined push delivery back in the queue, due at
    once, as `axis quarantine release ID` does (docs/delivery.md)."""
    delivery_id = request.match_info["delivery_id"]
    if not await daemon(request).store.push_release(delivery_id):
        raise Rejected("5.1.12", f"No quarantined delivery {delivery_id!r}.")
    log.info("console released a delivery", delivery_id=delivery_id,
             operator=request[SESSION].operator)  # fmt: skip
    return see_other("/console/queue")


def age(now: datetime, at: str) -> str:
    seconds = max(0, int((now - datetime.fromisoformat(at)).total_seconds()))
    days, rest = divmod(seconds, 86400)
    return f"{days}d {rest // 3600}h" if days else f"{rest // 3600}h {rest % 3600 // 60}m"


def cutoff(request: web.Request) -> str:
    settings = request.app[SETTINGS]
    end, tz = parse_end(settings.working_day_end), zone(settings.timezone)
    return store_time(overdue_cutoff(datetime.now(UTC), end, tz))


async def overdue(request: web.Request) -> web.StreamResponse:
    page = filters.page(request.query)
    store = daemon(request).store
    arrived_by = cutoff(request)
    rows, more = paged(await store.overdue_acknowledgements(arrived_by, page), page)
    after = cursor_of(rows[-1].delivery.created_at, rows[-1].delivery.id) if more else ""
    return render(
        request, "overdue.html", rows=rows, arrived_by=arrived_by,
        total=await store.count_overdue(arrived_by), next=next_link(request, after) if more else "",
    )  # fmt: skip


# -- refusals, directory, statistics ----------------------------------------------------


async def refusals(request: web.Request) -> web.StreamResponse:
    code = filters.refusal_code(request.query)
    page = filters.page(request.query)
    store = daemon(request).store
    rows, more = paged(await store.refusals_with_code(code, page), page)
    after = cursor_of(rows[-1].at, rows[-1].seq) if more else ""
    return render(
        request, "refusals.html", codes=await store.refusal_codes(), catalogue=CATALOGUE,
        code=code, rows=rows, next=next_link(request, after) if more else "",
    )  # fmt: skip


async def directory(request: web.Request) -> web.StreamResponse:
    prefix = filters.text(request.query, "prefix")
    page = filters.page(request.query, default_limit=100)
    store = daemon(request).store
    rows, more = paged(await store.agencies_page(prefix, page), page)
    return render(
        request, "directory.html", systems=await store.list_systems(), agencies=rows,
        prefix=prefix, next=next_link(request, rows[-1][0]) if more else "",
    )  # fmt: skip


async def stats(request: web.Request) -> web.StreamResponse:
    store = daemon(request).store
    snapshot = await request.app[TOTALS].read(daemon(request))
    colours = {"edoc": "#2b6cb0", "status": "#2f855a", "refused": "#c53030"}
    svg = {
        name: charts.bars([(d.day, d.count) for d in days], colours[name])
        for name, days in snapshot.per_day.items()
    }
    return render(
        request, "stats.html", counts=snapshot.counts, series=snapshot.per_day, svg=svg,
        counted_at=snapshot.at.isoformat(timespec="seconds"), days=DAYS,
        overdue=await store.count_overdue(cutoff(request)), catalogue=CATALOGUE,
    )  # fmt: skip
