"""Intake stage 3, route: the package is what the headers say, every To is known, and each
recipient has its route: a local system, or up through this hub's upstream (docs/tiers.md).

- XroadVnpt-messagetype must match the package kind (5.4.12): revoke/update/replace are
  ``edoc`` packages, business statuses are ``status`` (docs/domain.md §6).
- The package's From must be the XroadVnpt-from agency the caller was authorised for (5.8.6;
  docs/domain.md §7: the sender must be who it says).
- Every To OrganId must be in the directory, or the whole package is refused naming the
  unknown ones (5.5.1; docs/domain.md §7). A retired To goes to its successors with 2.5.14, or
  is refused with 5.5.15 when it has none (axis/directory/__init__.py). A status package's
  recipient is the original sender, which the business stage finds.
- Hops (docs/domain.md §3 TraceHeaderList, §8): a package whose trace already holds this hub
  is a loop (5.5.12); one that crossed more than tiers.hop_limit hubs is refused (5.5.13).
  A package that came through another hub (pulled from our upstream, or forwarded by a lower
  hub whose TraceHeader is the last one) gets this hub's TraceHeader appended to the stored
  bytes (a byte splice: the sender's signature still verifies) and keeps only the To entries
  not reached back through that hub: that hub delivers those itself (docs/domain.md §8).
- A recipient reachable only upstream is refused (5.5.11) on a hub without [upstream]. The
  business stage applies the same check to the recipients it adds (revoke/update/replace,
  statuses).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from axis.config import Config
from axis.directory import UPSTREAM_PREFIX, Route
from axis.edxml import DocumentPackage
from axis.edxml.trace import append_trace
from axis.errors import Finding, Rejected
from axis.intake.context import Intake
from axis.intake.env import Env
from axis.store.base import FileBytes

name = "route"


async def run(ctx: Intake, env: Env) -> None:
    checked = ctx.checked
    if checked.kind != ctx.message_type:
        raise Rejected(
            "5.4.12", f"XroadVnpt-messagetype is {ctx.message_type}; the body is {checked.kind}."
        )
    sender = checked.package.sender.organ_id
    if sender != ctx.from_agency:
        raise Rejected(
            "5.8.6", f"The package's From is {sender!r} but XroadVnpt-from is {ctx.from_agency!r}."
        )
    if isinstance(checked.package, DocumentPackage):
        trace = [t.organ_id for t in checked.package.traces]
        check_hops(env.cfg, trace)
        recipients = [o.organ_id for o in checked.package.recipients if o.organ_id]
        if not recipients:
            raise Rejected("5.5.2")
        wanted = list(dict.fromkeys(recipients))
        routes = await env.directory.routes(wanted)
        if came_through_hub(ctx.system_id, trace):
            onward = {a: r for a, r in routes.items() if r.name != ctx.system_id}
            if not onward:  # every To leads back where it came from: directories disagree
                raise Rejected("5.5.12", f"every To goes back to {ctx.system_id}: {wanted}.")
            routes = onward
            _append_own_hop(ctx, env.cfg.hub_id)
        ctx.routes = routes
        ctx.recipients = follow(ctx, wanted, routes)
        if not ctx.recipients:
            raise Rejected("5.5.2", f"None of the To entries is reached from {env.cfg.hub_id}.")
        refuse_upstream(ctx.routes, env.cfg)


def follow(ctx: Intake, wanted: list[str], routes: dict[str, Route]) -> list[str]:
    """The recipients with every retired agency replaced by its successors (each agency once),
    and a 2.5.14 finding per replacement; routes are keyed by the agency actually served."""
    recipients: dict[str, None] = {}
    for agency in wanted:
        if agency in routes:
            recipients[agency] = None
            continue
        successors = [a for a, r in routes.items() if r.retired_for == agency]
        if successors:
            ctx.findings.append(Finding("2.5.14", f"{agency} -> {', '.join(successors)}."))
        recipients.update(dict.fromkeys(successors))
    return list(recipients)


def came_through_hub(system_id: str, trace: list[str]) -> bool:
    """Pulled from our upstream, or forwarded by a connected hub (its hop is the last one)."""
    return system_id.startswith(UPSTREAM_PREFIX) or (bool(trace) and trace[-1] == system_id)


def check_hops(cfg: Config, trace: list[str]) -> None:
    """5.5.12 if this hub is already on the trace; 5.5.13 past the configured hop count."""
    if cfg.hub_id in trace:
        raise Rejected("5.5.12", f"{cfg.hub_id} in trace {' > '.join(trace)}.")
    if len(trace) > cfg.tiers.hop_limit:
        raise Rejected("5.5.13", f"{len(trace)} hops > {cfg.tiers.hop_limit}: {' > '.join(trace)}.")


def _append_own_hop(ctx: Intake, hub_id: str) -> None:
    """Store the bytes with this hub's TraceHeader; the dedupe key (sha256) stays the one of
    the bytes received, so a retried forward is still recognised."""
    checked = ctx.checked
    data = checked.data
    if isinstance(data, FileBytes):  # a spooled large package: the splice needs its bytes
        data = b"".join(data.chunks())
    stamp = timestamp(ctx.received_at)
    ctx.check_result = dataclasses.replace(checked, data=append_trace(data, hub_id, stamp))


def refuse_upstream(routes: dict[str, Route], cfg: Config) -> None:
    """5.5.11 naming every recipient only an upstream hub reaches, on a hub that has none."""
    if cfg.upstream.url:
        return
    upstream = [f"{r.agency} (via {r.upstream})" for r in routes.values() if not r.local]
    if upstream:
        raise Rejected("5.5.11", f"Upstream only: {', '.join(upstream)}.")


def timestamp(at: datetime) -> str:
    """A TraceHeader Timestamp (yyyy/MM/dd HH:mm:ss, docs/domain.md §3)."""
    return at.astimezone().strftime("%Y/%m/%d %H:%M:%S")
