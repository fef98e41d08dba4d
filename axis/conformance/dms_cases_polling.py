"""DMS cases: sane polling (docs/domain.md §6: delivery is pull).

A DMS must neither hammer the hub (list calls far faster than needed) nor sleep for an hour (no
poll within its configured interval). The kit judges every list call of the run, watching for at
least ``POLL_WINDOW_S`` or three poll intervals, whichever is longer.
"""

from __future__ import annotations

import asyncio
import itertools
import time

from axis.conformance.dms_context import DmsContext
from axis.conformance.evidence import Failed
from axis.conformance.registry import case

POLL_WINDOW_S = 5.0
LISTS = ("getReceivedEdocList", "countReceiveEdoc", "countReceiveStatus")


async def list_calls(ctx: DmsContext) -> list[float]:
    """The times of every list call, after watching long enough."""
    watch = max(POLL_WINDOW_S, 3 * ctx.options.poll_interval_s)
    left = ctx.started + watch - time.monotonic()
    if left > 0:
        await asyncio.sleep(left)
    return [e.at for e in ctx.exchanges if e.operation in LISTS]


@case(
    "DMS-POLL-001",
    "Polling does not hammer the hub (list calls per second, over any 5 s)",
    clause="docs/domain.md §6",
    hint="Poll on a timer (real integrations: every few minutes); never in a tight loop, also when there is nothing new or after an error.",
)
async def not_hammering(ctx: DmsContext) -> None:
    times = await list_calls(ctx)
    worst = 0
    for index, start in enumerate(times):
        inside = sum(1 for t in times[index:] if t - start < POLL_WINDOW_S)
        worst = max(worst, inside)
    rate = worst / POLL_WINDOW_S
    if rate > ctx.options.max_list_rate:
        raise Failed(
            f"at most {ctx.options.max_list_rate:g} list calls per second",
            f"{worst} list calls within {POLL_WINDOW_S:g} s ({rate:.1f}/s; {len(times)} in the run)",
        )


@case(
    "DMS-POLL-002",
    "The DMS polls at least once every configured poll interval",
    clause="docs/domain.md §6",
    hint="List getReceivedEdocList every poll interval, also while sending or after an error.",
)
async def keeps_polling(ctx: DmsContext) -> None:
    times = await list_calls(ctx)
    limit = 1.5 * ctx.options.poll_interval_s + 1.0
    if not times:
        raise Failed(f"a list call every {ctx.options.poll_interval_s:g} s", "no list call at all")
    gaps = [b - a for a, b in itertools.pairwise(times)]
    gaps.append(time.monotonic() - times[-1])
    if max(gaps) > limit:
        raise Failed(
            f"no gap between list calls above {limit:g} s (interval "
            f"{ctx.options.poll_interval_s:g} s)",
            f"a gap of {max(gaps):.1f} s",
        )
