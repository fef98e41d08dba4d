"""The queue manager: ONE background task that decides everything about push delivery.

Modelled on Postfix's qmgr (docs/delivery.md). Per round it asks the store, for each push
endpoint (connected system) with free capacity and a circuit that lets traffic through, for a
page of due deliveries, leased to this node (``Store.push_take``: on PostgreSQL no two nodes
get the same delivery; a node that dies lets its leases run out, then they come due again).
Each taken delivery is handed to the endpoint's adapter in its own task, within the global and
per-endpoint in-flight limits. The adapter's Result decides what follows:

- DELIVERED: state ``done`` (the endpoint committed it), as a pull ``done`` acknowledgement;
- PERMANENT: state ``fail`` with the endpoint's reason (5.9.2); the sender sees it;
- TEMPORARY: attempts + 1, next try after the backoff schedule's wait (jittered; a longer
  Retry-After wins), never later than the lifetime's end; a delivery still failing at the end
  of its lifetime becomes ``expired`` (5.9.1) and the sender sees that in getSentEdocList;
- the adapter raising: the delivery is quarantined (``axis quarantine list|release``).

A circuit breaker per endpoint opens after ``circuit_failures`` consecutive temporary failures
(nothing is tried while open: the queue waits, no attempts are spent), lets one probe through
after ``circuit_open_s`` (half-open), and closes on its success. Memory stays flat: at most a
page per endpoint is read at a time, and only in-flight deliveries are held. Time comes from
a Clock (clock.py), so tests move through hours of backoff without sleeping.

Hub hops are endpoints like any other (docs/tiers.md "The bridge"): ``upstream:<name>`` on a
provincial hub (the upstream adapter) and a provincial hub pushed down to (hub-push). An
endpoint may carry its own Policy (in-flight limit, lease, backoff, circuit open time): hub
hops use a short lease and a short backoff (docs/decisions.md "Short leases for hub hops"). A
DELIVERED Result naming ``forwarded_to`` closes the delivery as ``forwarded`` (the hop is
recorded) instead of ``pushed``. An edoc delivery that ends expired or fail also owes its
sender a hub-made status (notices.py): the store records the notice in the transaction that
ends it, and the next round issues it. ``wake(routes)`` starts a round at once: the intake calls it
right after a commit, so a new delivery does not wait for the next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from axis import logs
from axis.config import DeliveryConfig
from axis.delivery import Adapter, Outbound, Outcome, Result
from axis.delivery.clock import Clock, SystemClock, epoch, iso
from axis.delivery.notices import FailureNotices
from axis.errors import StoreUnavailable
from axis.store.base import PushRow, Store

log = logs.get("axis.delivery")
# Packages up to this size are read whole for the adapter; larger ones in chunks.
INLINE_UP_TO = 4 << 20
# Seconds between sweeps that expire, in bulk, deliveries an open circuit kept from trying.
EXPIRY_SWEEP_S = 60.0


@dataclass(frozen=True)
class Policy:
    """How the queue manager drives one endpoint; by default [delivery]'s settings."""

    max_in_flight: int
    lease_s: float
    backoff_s: tuple[float, ...]
    circuit_open_s: float

    @classmethod
    def default(cls, cfg: DeliveryConfig) -> Policy:
        return cls(
            cfg.max_in_flight_per_endpoint, cfg.lease_s, tuple(cfg.backoff_s), cfg.circuit_open_s
        )

    @classmethod
    def hop(cls, max_in_flight: int, lease_s: float, retry_max_s: float) -> Policy:
        """A hub hop: backoff doubling from 1 s up to retry_max_s, probed as often."""
        steps = [1.0]
        while steps[-1] < retry_max_s:
            steps.append(min(steps[-1] * 2, retry_max_s))
        return cls(max_in_flight, lease_s, tuple(min(s, retry_max_s) for s in steps), retry_max_s)


@dataclass
class Circuit:
    """One endpoint's breaker: closed -> open (after N temporary failures in a row) ->
    half-open (one probe after open_s) -> closed on the probe's success, open again if not."""

    failures_to_open: int
    open_s: float
    failures: int = 0
    opened_at: float | None = None
    probing: bool = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half-open" if self.probing else "open"

    def capacity(self, now: float, free: int, in_flight: int) -> int:
        """How many deliveries may start now, given ``free`` slots."""
        if self.opened_at is None:
            return free
        if self.probing or in_flight or now < self.opened_at + self.open_s:
            return 0
        self.probing = True  # one probe
        return min(free, 1)

    def record(self, outcome: Outcome, now: float) -> str | None:
        """The result of one attempt; the new state if it changed."""
        before = self.state
        if outcome is Outcome.TEMPORARY:
            self.failures += 1
            if self.opened_at is not None or self.failures >= self.failures_to_open:
                self.opened_at, self.probing = now, False
        else:  # delivered or refused: the endpoint is up and answering
            self.failures, self.opened_at, self.probing = 0, None, False
        return self.state if self.state != before else None


@dataclass
class Endpoint:
    system_id: str
    adapter: Adapter
    circuit: Circuit
    policy: Policy
    in_flight: int = 0
    # Nothing more was due at the last look: skip until this time (saves empty queries).
    quiet_until: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


class QueueManager:
    def __init__(
        self,
        store: Store,
        cfg: DeliveryConfig,
        adapters: Mapping[str, Adapter],
        clock: Clock | None = None,
        rng: random.Random | None = None,
        policies: Mapping[str, Policy] | None = None,
        notices: FailureNotices | None = None,
    ) -> None:
        self.store = store
        self.cfg = cfg
        self.clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.endpoints = {}
        for system_id, adapter in adapters.items():
            policy = (policies or {}).get(system_id) or Policy.default(cfg)
            circuit = Circuit(cfg.circuit_failures, policy.circuit_open_s)
            self.endpoints[system_id] = Endpoint(system_id, adapter, circuit, policy)
        self.tasks: set[asyncio.Task[None]] = set()
        self._order = list(self.endpoints)
        self._next_sweep = 0.0
        self._woken = asyncio.Event()
        # Failure notices (notices.py): recorded by the store when ``notify``; issued each
        # round after a delivery failed, and at every sweep (a crash or another node's).
        self.notify = cfg.failure_status != "off"
        self.notices = notices if self.notify else None
        self._notices_due = True

    # -- the loop -------------------------------------------------------------------------

    async def run(self) -> None:
        """Until cancelled: start what is due, then wait for a slot or the next poll."""
        try:
            while True:
                try:
                    await self.run_once()
                except StoreUnavailable as exc:
                    log.warning("queue manager: store unavailable", error=str(exc))
                await self._idle()
        finally:
            await self.close()

    async def _idle(self) -> None:
        """Until a delivery in flight ends, wake() is called, or the poll interval passes."""
        woken = asyncio.ensure_future(self._woken.wait())
        sleeper = (
            None
            if self.tasks
            else asyncio.ensure_future(self.clock.sleep(self.cfg.poll_interval_s))
        )
        waiting = {*self.tasks, woken, *([sleeper] if sleeper else [])}
        try:
            await asyncio.wait(
                waiting, timeout=self.cfg.poll_interval_s, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for helper in (woken, sleeper):
                if helper is not None:
                    helper.cancel()
        self._woken.clear()

    async def run_once(self) -> int:
        """Take due deliveries for every endpoint with room and start them; how many started."""
        now = self.clock.now()
        if now >= self._next_sweep:
            self._next_sweep = now + EXPIRY_SWEEP_S
            await self._expire(now)
            self._notices_due = True
        if self._notices_due and self.notices is not None:
            await self._issue_notices(self.notices)
        # Rotate the starting endpoint so a busy one cannot always take the global slots first.
        self._order = self._order[1:] + self._order[:1]
        free_global = self.cfg.max_in_flight - len(self.tasks)
        awake = [self.endpoints[s] for s in self._order if now >= self.endpoints[s].quiet_until]
        # Each endpoint's fair share of the free global slots this round (at least one).
        share = max(1, -(-free_global // max(1, len(awake))))
        asks: list[tuple[Endpoint, int]] = []
        for endpoint in awake:
            if free_global <= 0:
                break
            free = min(endpoint.policy.max_in_flight - endpoint.in_flight, free_global)
            room = endpoint.circuit.capacity(now, min(free, share), endpoint.in_flight)
            if room > 0:
                limit = min(room, self.cfg.page_size)
                asks.append((endpoint, limit))
                free_global -= limit
        # All endpoints' pages at once: on SQLite they share one group commit.
        pages = await asyncio.gather(
            *(
                self.store.push_take(e.system_id, iso(now), iso(now + e.policy.lease_s), limit)
                for e, limit in asks
            )
        )
        started = 0
        for (endpoint, limit), rows in zip(asks, pages, strict=True):
            if len(rows) < limit:
                endpoint.quiet_until = now + self.cfg.poll_interval_s
            if not rows and endpoint.circuit.probing:
                endpoint.circuit.probing = False  # nothing to probe with: try next round
            for row in rows:
                self._start(endpoint, row)
            started += len(rows)
        return started

    async def _expire(self, now: float) -> None:
        """Deliveries past their lifetime that were never due for an attempt (an open circuit
        holds them back) expire here in bulk, so the sender learns it on time."""
        reason = self._expired_reason()
        cutoff = iso(now - self.cfg.lifetime_s)
        counts = await asyncio.gather(
            *(
                self.store.push_expire(s, cutoff, iso(now), reason, self.notify)
                for s in self.endpoints
            )
        )
        for system_id, count in zip(self.endpoints, counts, strict=True):
            if count:
                self._notices_due = True
                self.endpoints[system_id].counts["expired"] = (
                    self.endpoints[system_id].counts.get("expired", 0) + count
                )
                log.warning("push expired", endpoint=system_id, deliveries=count)

    async def _issue_notices(self, notices: FailureNotices) -> None:
        """The failure statuses owed (docs/delivery.md "What the sender sees"). A bug here
        must not stop delivery: it is logged and tried again at the next sweep."""
        self._notices_due = False
        try:
            await notices.issue_pending()
        except StoreUnavailable:
            self._notices_due = True
            raise
        except Exception as exc:
            log.error("failure statuses not issued", exc_info=exc)

    def _expired_reason(self) -> str:
        return f"5.9.1 delivery.expired: not delivered within {self.cfg.lifetime_s:.0f} s"

    async def drain(self) -> None:
        """Wait for every delivery in flight (tests, and a clean stop)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*list(self.tasks), return_exceptions=True)
        for endpoint in self.endpoints.values():
            with contextlib.suppress(Exception):
                await endpoint.adapter.close()

    def wake(self, routes: Iterable[str] | None = None) -> None:
        """Something new may be due (a commit, a release): look at these endpoints (all when
        None) in a round that starts now."""
        for key in self.endpoints if routes is None else routes:
            if (endpoint := self.endpoints.get(key)) is not None:
                endpoint.quiet_until = 0.0
                self._woken.set()

    # -- one delivery ---------------------------------------------------------------------

    def _start(self, endpoint: Endpoint, row: PushRow) -> None:
        endpoint.in_flight += 1
        task = asyncio.get_running_loop().create_task(self._attempt(endpoint, row))
        self.tasks.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self.tasks.discard(finished)
            endpoint.in_flight -= 1
            if row.message_type == "status":
                # A later status of the same agency and document may have waited for this one
                # (Store.push_take keeps them in order): look again in the next round.
                endpoint.quiet_until = 0.0

        task.add_done_callback(done)

    async def _attempt(self, endpoint: Endpoint, row: PushRow) -> None:
        try:
            await self._attempt_once(endpoint, row)
        except StoreUnavailable as exc:
            # The outcome was not recorded: the lease runs out and the delivery comes due
            # again (an endpoint that stored it stores it once: idempotent by DocumentId).
            log.warning("push outcome not recorded", delivery_id=row.delivery_id, error=str(exc))

    async def _attempt_once(self, endpoint: Endpoint, row: PushRow) -> None:
        now = self.clock.now()
        expires = epoch(row.created_at) + self.cfg.lifetime_s
        if now >= expires:
            reason = self._expired_reason()
            if row.last_error:
                reason += f"; last error: {row.last_error}"
            await self.store.push_give_up(
                row.delivery_id, row.route, "expired", reason[:1000], self.notify
            )
            self._notices_due = True
            self._count(endpoint, "expired")
            log.warning("push expired", delivery_id=row.delivery_id, to=row.agency)
            return
        item = Outbound(
            delivery_id=row.delivery_id,
            doc_id=row.doc_id,
            agency=row.agency,
            route=row.route,
            message_type=row.message_type,
            attempt=row.attempts + 1,
            size=row.size,
            sha256=row.sha256,
            from_agency=row.from_agency,
            accepted_at=row.created_at,
            source=lambda: self.store.push_document(row.doc_id, INLINE_UP_TO),
        )
        try:
            result = await endpoint.adapter.deliver(item)
        except asyncio.CancelledError:
            # The hub is stopping: due again at once (the next start, or another node), not
            # after the lease. If this write cannot finish, the lease still runs out.
            with contextlib.suppress(Exception):
                reason = "4.9.3 delivery.endpoint-unavailable: the hub stopped mid-push"
                await asyncio.shield(self.store.push_retry(row.delivery_id, iso(now), reason))
            raise
        except Exception as exc:
            reason = f"4.9.4 delivery.quarantined: {endpoint.adapter.name} raised {exc!r}"
            await self.store.push_quarantine(row.delivery_id, reason[:1000])
            self._count(endpoint, "quarantined")
            log.error("push quarantined", delivery_id=row.delivery_id, exc_info=exc)
            return
        await self._record(endpoint, row, result, expires)

    async def _record(
        self, endpoint: Endpoint, row: PushRow, result: Result, expires: float
    ) -> None:
        now = self.clock.now()
        before = endpoint.circuit.state
        changed = endpoint.circuit.record(result.outcome, now)
        if changed:  # closed -> open is news; a failed probe (half-open -> open) is routine
            level = log.warning if before == "closed" else log.info
            level("push circuit", endpoint=endpoint.system_id, state=changed)
        if result.outcome is Outcome.DELIVERED:
            if result.forwarded_to:  # a hub took it: the hop is recorded (docs/tiers.md)
                await self.store.push_forwarded(row.delivery_id, row.route, result.detail[:500])
            else:
                await self.store.push_done(row.delivery_id, row.route, result.detail[:500])
            self._count(endpoint, "delivered")
            return
        if result.outcome is Outcome.PERMANENT:
            reason = f"5.9.2 delivery.refused-by-endpoint: {result.detail}"[:1000]
            await self.store.push_give_up(row.delivery_id, row.route, "fail", reason, self.notify)
            self._notices_due = True
            self._count(endpoint, "refused")
            log.warning("push refused", delivery_id=row.delivery_id, detail=result.detail)
            return
        wait = self.backoff(row.attempts, result.retry_after_s, endpoint.policy.backoff_s)
        next_at = min(now + wait, expires)
        reason = f"4.9.3 delivery.endpoint-unavailable: {result.detail}"[:1000]
        await self.store.push_retry(row.delivery_id, iso(next_at), reason)
        self._count(endpoint, "retried")

    def backoff(
        self,
        failures_before: int,
        retry_after_s: float | None = None,
        schedule: Sequence[float] | None = None,
    ) -> float:
        """Seconds to wait after the (failures_before + 1)-th temporary failure."""
        schedule = schedule or self.cfg.backoff_s
        base = float(schedule[min(failures_before, len(schedule) - 1)])
        wait = base * (1 + self.cfg.jitter * self.rng.uniform(-1.0, 1.0))
        return max(wait, retry_after_s or 0.0)

    @staticmethod
    def _count(endpoint: Endpoint, what: str) -> None:
        endpoint.counts[what] = endpoint.counts.get(what, 0) + 1
