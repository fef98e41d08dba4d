"""Intake stage 3, route: the package is what the headers say, and every To is known.

- XroadVnpt-messagetype must match the package kind (5.4.12): revoke/update/replace are
  ``edoc`` packages, business statuses are ``status`` (docs/domain.md §6).
- The package's From must be the XroadVnpt-from agency the caller was authorised for (5.8.6;
  docs/domain.md §7: the sender must be who it says).
- Every To OrganId must be in the directory, or the whole package is refused naming the
  unknown ones (5.5.1; docs/domain.md §7). A status package's recipient is the original sender,
  which the business stage finds.
- No recipient may be reachable only through an upstream hub (5.5.11): forwarding does not
  exist yet, and a package nobody here can fetch must not be accepted. The business stage
  applies the same check to the recipients it adds (revoke/update/replace, statuses).
"""

from __future__ import annotations

from axis.directory import Route
from axis.edxml import DocumentPackage
from axis.errors import Rejected
from axis.intake.context import Intake
from axis.intake.env import Env

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
        recipients = [o.organ_id for o in checked.package.recipients if o.organ_id]
        if not recipients:
            raise Rejected("5.5.2")
        ctx.recipients = list(dict.fromkeys(recipients))
        ctx.routes = await env.directory.routes(ctx.recipients)
        refuse_upstream(ctx.routes)


def refuse_upstream(routes: dict[str, Route]) -> None:
    """5.5.11 naming every recipient only an upstream hub reaches (no forwarding yet)."""
    upstream = [f"{r.agency} (via {r.upstream})" for r in routes.values() if not r.local]
    if upstream:
        raise Rejected("5.5.11", f"Upstream only: {', '.join(upstream)}.")
