"""Does /metrics count what a load did? Scrape before and after, compare with the load's counts.

Used by the benches (bench/run.py's scenarios, ``python -m bench.run logcost``) and by
tests/console/test_metrics.py (docs/console.md "/metrics"): the load generator
(bench/loadgen.py) knows how many packages the hub accepted and refused (by code), how many
deliveries its receivers fetched and acknowledged; the hub's /metrics must show exactly those
differences between a scrape taken before the load and one taken after it has drained.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(endpoint: str, session: aiohttp.ClientSession | None = None) -> Samples:
    """Every sample of the hub's /metrics, keyed by (name, sorted labels)."""
    own = session is None
    session = session or aiohttp.ClientSession()
    try:
        async with session.get(endpoint.rstrip("/") + "/metrics") as response:
            response.raise_for_status()
            text = await response.text()
    finally:
        if own:
            await session.close()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def settled(endpoint: str, since: float, timeout_s: float = 60.0) -> Samples:
    """A scrape whose store totals were counted after ``since`` (time.time()): the hub
    recounts them every console.counts_refresh_s and exports their age
    (axis_store_totals_age_seconds), so a scrape right after a load may show the count before."""
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession() as session:
        while True:
            asked = time.time()
            samples = await scrape(endpoint, session)
            if asked - value(samples, "axis_store_totals_age_seconds") >= since:
                return samples
            if time.monotonic() > deadline:
                raise TimeoutError(f"/metrics totals not recounted within {timeout_s:.0f} s")
            await asyncio.sleep(0.5)


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@dataclass
class LoadCounts:
    """What the load generator did, by its own count."""

    accepted: int = 0  # edoc packages the hub answered OK
    refused: dict[str, int] = field(default_factory=dict)  # result code -> answers
    fetched: int = 0  # deliveries fetched by the receivers
    acknowledged: int = 0  # deliveries acknowledged done
    recipients: int = 1  # deliveries per accepted package


def compare(
    before: Samples,
    after: Samples,
    load: LoadCounts,
    single_process: bool = True,
    logged: bool = True,
) -> list[str]:
    """Every family that does not match ``load`` (empty: /metrics counted exactly). The
    per-process families (refusals answered, the latency histogram) are compared only when
    one process serves (with ``axis serve --workers N`` each scrape reaches one of them); the
    latency histogram follows the delivery log, so not when it is off (``logged``)."""
    problems: list[str] = []

    def check(what: str, seen: float, wanted: float) -> None:
        if seen != wanted:
            problems.append(f"{what}: /metrics moved by {seen:g}, the load counted {wanted:g}")

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    check("packages accepted (edoc)", moved("axis_packages_accepted_total", message_type="edoc"),
          load.accepted)  # fmt: skip
    for code, count in sorted(load.refused.items()):
        if single_process and code.startswith(
            ("4.", "5.")
        ):  # a transport error is not the hub's answer
            check(f"refused {code}", moved("axis_requests_refused_total", code=code), count)
    deliveries = load.accepted * load.recipients
    done = moved("axis_deliveries", state="done")
    check("deliveries acknowledged done", done, load.acknowledged)
    opened = sum(moved("axis_deliveries", state=s) for s in ("queued", "fetched", "done", "fail"))
    check("deliveries created", opened, deliveries)
    # every fetched delivery was acknowledged: none may be left 'fetched' by the load
    check("deliveries fetched, not acknowledged", moved("axis_deliveries", state="fetched"),
          load.fetched - load.acknowledged)  # fmt: skip
    if single_process and logged:
        check("acknowledgements timed", moved("axis_delivery_latency_seconds_count"),
              load.acknowledged)  # fmt: skip
    return problems
