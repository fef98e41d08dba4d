"""GET /metrics in Prometheus's text format (prometheus-client; docs/console.md).

Two kinds of numbers, each where it can be right:
- totals that must be exact across restarts and the same on every node come from the store on
  each scrape (documents accepted, deliveries by outcome, the queue per destination, business
  statuses, overdue acknowledgements, refusals kept): cheap grouped counts over covering
  indexes (migration 009), no in-memory copy that a restart would lose;
- per-process figures live in prometheus-client's registry: refusals answered by this process
  per code (every 5.x.y, also those refused before a package was read, which the store does not
  keep), the delivery latency histogram (fed by following the event log for acknowledgements,
  so every node's histogram covers the whole hub since that node started) and the hop latency
  histogram (fed the same way from the ``received`` events of packages another hub handed
  over: their hops, axis/eventlog/hops.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime

from aiohttp import web
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from axis import logs
from axis.api.refusals import RefusalCounts
from axis.config import Config
from axis.console.counts import Totals
from axis.console.workday import overdue_cutoff, parse_end, store_time, zone
from axis.daemon import Daemon
from axis.errors import StoreUnavailable
from axis.eventlog.hops import decode as decode_hops
from axis.eventlog.hops import latency_s as hop_latency_s
from axis.store.console_rows import HubCounts

log = logs.get("axis.metrics")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Acceptance to the recipient's "done": seconds to days (a DMS may poll every few minutes).
LATENCY_BUCKETS = (1, 5, 15, 60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 86400, 3 * 86400)
# One hop between hubs, from TraceHeader times (whole seconds: docs/decisions.md "Hop latency
# from TraceHeader times"), so nothing finer than a second.
HOP_BUCKETS = (1, 2, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 86400)
FOLLOW_EVERY_S = 2.0


class ProcessMetrics:
    """This process's registry: the histograms and the refusals it answered."""

    def __init__(self, refusals: Callable[[], RefusalCounts]) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.delivery_latency = Histogram(
            "axis_delivery_latency_seconds",
            "Seconds from the hub accepting a package to a recipient acknowledging it done.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.hop_latency = Histogram(
            "axis_hop_latency_seconds",
            "Seconds from the previous hub accepting a package (its TraceHeader, whole "
            "seconds) to this hub accepting it.",
            buckets=HOP_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_RefusalCollector(refusals))
        self.last_seq = 0
        self.last_hop_seq = 0
        self.following = False
        self._catching_up = asyncio.Lock()

    async def follow(self, daemon: Daemon) -> None:
        """Observe the latency of every acknowledgement logged after this process started
        (the first scrape starts this; ``last_seq`` was read when the hub started)."""
        while True:
            await asyncio.sleep(FOLLOW_EVERY_S)
            with contextlib.suppress(StoreUnavailable):  # the next round catches up
                await self.catch_up(daemon)

    async def catch_up(self, daemon: Daemon) -> None:
        """Observe what the log added since: acknowledgements (delivery latency) and packages
        handed over by another hub (hop latency, from the received event's hops)."""
        async with self._catching_up:  # a scrape and the follower never observe a row twice
            while rows := await daemon.store.acknowledged_since(self.last_seq):
                for seq, created, at in rows:
                    start, end = datetime.fromisoformat(created), datetime.fromisoformat(at)
                    self.delivery_latency.observe(max(0.0, (end - start).total_seconds()))
                    self.last_seq = seq
            while hops := await daemon.store.received_hops_since(self.last_hop_seq):
                for seq, at, detail in hops:
                    seconds = hop_latency_s(at, decode_hops(detail))
                    if seconds is not None:
                        self.hop_latency.observe(seconds)
                    self.last_hop_seq = seq


class _RefusalCollector(Collector):
    def __init__(self, refusals: Callable[[], RefusalCounts]) -> None:
        self.refusals = refusals

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "axis_requests_refused",
            "Requests this process refused (5.x.y answers), by result code.",
            labels=["code"],
        )
        for code, count in sorted(self.refusals().by_code.items()):
            family.add_metric([code], count)
        yield family


class _StoreSnapshot(Collector):
    """The store's exact totals, read once per scrape."""

    def __init__(
        self, counts: HubCounts, overdue: int, now: datetime, counted_at: datetime
    ) -> None:
        self.counts, self.overdue, self.now, self.counted_at = counts, overdue, now, counted_at

    def collect(self) -> Iterator[Metric]:
        counts = self.counts
        yield _labelled(
            CounterMetricFamily, "axis_packages_accepted",
            "Packages the hub accepted and stored, by message type (edoc, status).",
            "message_type", counts.documents_by_type,
        )  # fmt: skip
        yield _labelled(
            GaugeMetricFamily, "axis_refusals_kept",
            "Refused packages recorded in the store (kept store.refusals_keep_days), by code.",
            "code", counts.refusals_by_code,
        )  # fmt: skip
        yield _labelled(
            GaugeMetricFamily, "axis_deliveries",
            "Deliveries by outcome (queued, fetched, done, fail).",
            "state", counts.deliveries_by_state,
        )  # fmt: skip
        yield _labelled(
            GaugeMetricFamily, "axis_business_status",
            "Document deliveries by their latest business status (\"\" = none yet).",
            "code", counts.biz_status,
        )  # fmt: skip
        depth: dict[str, int] = {}
        oldest: dict[str, str] = {}
        for line in counts.queue:
            depth[line.destination] = depth.get(line.destination, 0) + line.count
            oldest[line.destination] = min(oldest.get(line.destination, line.oldest), line.oldest)
        yield _labelled(
            GaugeMetricFamily, "axis_queue_depth",
            "Deliveries not yet acknowledged done, per destination (the delivering route).",
            "destination", depth,
        )  # fmt: skip
        ages = {
            dest: max(0.0, (self.now - datetime.fromisoformat(at)).total_seconds())
            for dest, at in oldest.items()
        }
        yield _labelled(
            GaugeMetricFamily, "axis_queue_oldest_age_seconds",
            "Age of the oldest delivery not yet acknowledged done, per destination.",
            "destination", ages,
        )  # fmt: skip
        yield GaugeMetricFamily(
            "axis_store_totals_age_seconds",
            "Age of the store totals above (recounted every console.counts_refresh_s).",
            value=(self.now - self.counted_at).total_seconds(),
        )
        yield GaugeMetricFamily(
            "axis_overdue_acknowledgements",
            "Recipients without status 01 by the end of the working day they received on.",
            value=self.overdue,
        )


def _labelled(
    kind: type, name: str, doc: str, label: str, values: dict[str, float] | dict[str, int]
) -> Metric:
    family = kind(name, doc, labels=[label])
    for key, value in sorted(values.items()):
        family.add_metric([key], value)
    return family


METRICS: web.AppKey[ProcessMetrics] = web.AppKey("metrics", ProcessMetrics)


def mount(
    app: web.Application, cfg: Config, daemon_key: web.AppKey[Daemon], totals: Totals
) -> None:
    """GET /metrics on the hub's app, and the log follower started with the daemon."""
    metrics = ProcessMetrics(lambda: app[daemon_key].refusals)
    app[METRICS] = metrics
    workday = parse_end(cfg.console.working_day_end), zone(cfg.console.timezone)

    async def serve(request: web.Request) -> web.StreamResponse:
        daemon = app[daemon_key]
        if not metrics.following:  # a hub nobody scrapes does not follow the log
            metrics.following = True
            daemon.spawn("metrics-latency", lambda: metrics.follow(daemon))
        await metrics.catch_up(daemon)
        now = datetime.now(UTC)
        counted = await totals.read(daemon)
        overdue = await daemon.store.count_overdue(store_time(overdue_cutoff(now, *workday)))
        snapshot = CollectorRegistry(auto_describe=False)
        live = replace(counted.counts, queue=tuple(await daemon.store.queue_lines()))  # cheap
        snapshot.register(_StoreSnapshot(live, overdue, now, counted.at))
        body = generate_latest(metrics.registry) + generate_latest(snapshot)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    async def start(app: web.Application) -> None:
        metrics.last_seq = await app[daemon_key].store.last_event_seq()
        metrics.last_hop_seq = metrics.last_seq

    app.router.add_get("/metrics", serve)
    app.on_startup.append(start)
