"""The hop trace in the delivery log: where a package was before it reached this hub.

A package that came through another hub carries that hub's TraceHeader (docs/tiers.md "Hops
and loops"; yyyy/MM/dd HH:mm:ss, whole seconds, the accepting hub's local time). Intake keeps
the trace as received (axis/intake/persist.py, NewDocument.hops) and the ``received`` event
names it in its detail (``...; hops 00.47.W00@2026/11/23 10:00:00 > vxp.national@...``), so
the console's document page, ``axis trace --hub`` and the hop latency histogram of /metrics
read it from the log without opening the package (docs/delivery-log.md "Across hubs").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from axis.edxml.dates import parse_timestamp

MARK = "; hops "
Hop = tuple[str, str]  # (OrganId, Timestamp as written in the TraceHeader)


def encode(hops: Sequence[Hop]) -> str:
    """The detail fragment naming ``hops`` ("" for none)."""
    if not hops:
        return ""
    return MARK + " > ".join(f"{organ}@{stamp}" for organ, stamp in hops)


def decode(detail: str) -> list[Hop]:
    """The hops a ``received`` event's detail names ([] for a package sent here directly)."""
    start = detail.find(MARK)
    if start < 0:
        return []
    text = detail[start + len(MARK) :].split("; ", 1)[0]
    hops = []
    for part in text.split(" > "):
        organ, _, stamp = part.rpartition("@")
        if organ:
            hops.append((organ, stamp))
    return hops


def hop_time(stamp: str) -> datetime | None:
    """A TraceHeader Timestamp as an aware time: zone-less in the standard, so read in this
    hub's local zone (hubs of one network keep Vietnam time: docs/decisions.md "Hop latency
    from TraceHeader times")."""
    naive = parse_timestamp(stamp)
    return naive.astimezone() if naive is not None else None


def latency_s(received_at: str, hops: Sequence[Hop]) -> float | None:
    """Seconds from the previous hub accepting the package (its TraceHeader) to this hub
    accepting it (the received event's time); None without a readable previous hop. Whole
    seconds on the previous side: the figure may read up to 1 s long, never negative."""
    if not hops:
        return None
    before = hop_time(hops[-1][1])
    if before is None:
        return None
    try:
        after = datetime.fromisoformat(received_at)
    except ValueError:
        return None
    return max(0.0, (after - before).total_seconds())
