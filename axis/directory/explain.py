"""``axis route FROM TO``: how a package would travel from this hub, explained without sending
(docs/tiers.md "Seeing it").

Everything comes from this hub's directory and its [upstream]/[tiers] config, through the same
look-ups the intake uses (Directory.routes), so the explanation and a real send agree: a local
recipient is delivered by the system that serves it; any other goes up to the upstream hub,
whose own directory decides the rest; a retired recipient is replaced by its successors (2.5.14)
or refused (5.5.15); an unknown one is refused (5.5.1); an upstream-only one on a hub without
[upstream] is refused (5.5.11).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from axis.config import Config
from axis.directory import Directory, Route
from axis.errors import Rejected
from axis.store.base import Store

_MAX_CHAIN = 16  # parent chains are a few tiers deep; a cycle in bad data stops here


@dataclass
class Leg:
    """One To entry: what the hub would do with it."""

    agency: str
    served_as: str = ""  # the agency actually reached ("" = refused)
    chain: list[str] = field(default_factory=list)  # parent chain, agency first
    code: str = ""  # a warning (2.x.y) or refusal (5.x.y) the sender would get
    steps: list[str] = field(default_factory=list)  # hubs and hops, in order


@dataclass
class Explanation:
    hub: str  # this hub's TraceHeader id
    role: str  # national | provincial
    sender: str
    sender_system: str  # "" = no system here may send as FROM
    sender_code: str
    legs: list[Leg]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def lines(self) -> list[str]:
        sent_by = (
            f"sent by system {self.sender_system}"
            if self.sender_system
            else f"refused {self.sender_code}: no system on this hub sends as it"
        )
        out = [f"hub {self.hub} ({self.role}); from {self.sender}: {sent_by}"]
        for leg in self.legs:
            head = f"to {leg.agency}" + (f" [{leg.code}]" if leg.code else "")
            out.append(
                head + (f"  (parents: {' > '.join(leg.chain[1:])})" if leg.chain[1:] else "")
            )
            out += [f"    {step}" for step in leg.steps]
        return out


async def explain(store: Store, cfg: Config, sender: str, recipients: list[str]) -> Explanation:
    directory = Directory(store)
    sender_row = await directory.agency(sender)
    sender_system = sender_row.system_id if sender_row and sender_row.system_id else ""
    sender_code = "" if sender_system else ("5.8.6" if sender_row else "5.5.3")
    legs = [await _leg(directory, store, cfg, agency) for agency in dict.fromkeys(recipients)]
    role = "provincial" if cfg.upstream.url else "national"
    return Explanation(cfg.hub_id, role, sender, sender_system, sender_code, legs)


async def _leg(directory: Directory, store: Store, cfg: Config, agency: str) -> Leg:
    leg = Leg(agency)
    try:
        routes = await directory.routes([agency])
    except Rejected as refused:
        leg.code = refused.code.code
        leg.steps.append(f"refused {refused.code.code} {refused.code.slug}: {refused.reason}")
        return leg
    for served, route in routes.items():
        if route.retired_for:
            leg.code = "2.5.14"
            leg.steps.append(f"{agency} is retired: delivered to its successor {served} (2.5.14)")
        leg.served_as = served
        leg.chain = await _chain(store, served)
        leg.steps += _steps(cfg, route)
        if not route.local and not cfg.upstream.url:
            leg.code = "5.5.11"
    return leg


def _steps(cfg: Config, route: Route) -> list[str]:
    if route.local and not route.system_id:
        return [f"held at {cfg.hub_id}: no system serves {route.agency} yet"]
    if route.local:
        hub = " (a connected hub: it appends its TraceHeader and delivers on)"
        kind = hub if route.system_id and route.system_id.endswith(".W00") else ""
        return [
            f"delivered at {cfg.hub_id} to system {route.system_id}{kind}; "
            "a local copy stays byte-identical",
        ]
    if not cfg.upstream.url:
        return [f"refused 5.5.11: reached only through upstream {route.upstream}, none configured"]
    return [
        f"hop 1: {cfg.hub_id} appends its TraceHeader and forwards up to {cfg.upstream.name} "
        f"({cfg.upstream.url}) as system {cfg.upstream.system_id}",
        f"then {cfg.upstream.name} routes it by its own directory (its TraceHeader is hop 2; a "
        f"hub below it adds hop 3; refused past tiers.hop_limit = {cfg.tiers.hop_limit})",
    ]


async def _chain(store: Store, agency: str) -> list[str]:
    """The agency and its parents (pid), as the directory records them."""
    chain = [agency]
    row = await store.get_agency(agency)
    while row is not None and row.pid and row.pid not in chain and len(chain) < _MAX_CHAIN:
        chain.append(row.pid)
        row = await store.get_agency(row.pid)
    return chain
