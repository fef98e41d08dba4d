"""An endpoint down for a simulated hour with 10,000 documents queued for it: after it comes
back every document is delivered exactly once, and the hub's memory stays flat while they wait
(the queue manager pages through due deliveries; it never loads the queue)."""

from __future__ import annotations

import asyncio
import os

import psutil
import pytest

from axis.delivery.clock import ManualClock
from axis.store.base import Store
from tests.delivery.conftest import PUSHED, SENDER_SYSTEM, accept, http_push, queue_manager, settle
from tests.support.push_receiver import Receiver

# PostgreSQL runs a tenth of the backlog: every outcome there is its own transaction (no group
# commit), which on the shared 2-core test machine makes 10,000 take minutes; the paging and
# leasing code is the same at any size.
BACKLOG = {"sqlite": 10_000, "postgres": 1_000}


def rss_mb() -> float:
    return psutil.Process(os.getpid()).memory_info().rss / 2**20


@pytest.mark.timeout(600)
async def test_a_backlog_waits_in_flat_memory_and_is_delivered_once_after_recovery(
    store: Store, receiver: Receiver, store_backend: str
) -> None:
    total = BACKLOG[store_backend]
    for start in range(0, total, 500):  # concurrent saves share transactions (group commit)
        await asyncio.gather(*(accept(store, 1) for _ in range(min(500, total - start))))
    clock = ManualClock()
    manager = queue_manager(
        store, {PUSHED: http_push(receiver)}, clock,
        backoff_s=[30.0, 120.0, 600.0, 1800.0, 3600.0], jitter=0.2, lifetime_s=432000.0,
        circuit_failures=5, circuit_open_s=60.0, max_in_flight_per_endpoint=32,
    )  # fmt: skip
    receiver.mode = "down"
    samples = []
    for step in range(360):  # one simulated hour, a round every 10 s
        await settle(manager)
        clock.advance(10.0)
        if step % 30 == 0:
            samples.append(rss_mb())
    tried_while_down = receiver.requests.total()
    assert not receiver.stored and tried_while_down < 200  # the circuit kept the load off
    receiver.mode = "up"
    rounds = 0
    while len(receiver.answered_ok) < total and rounds < 5000:
        if not await settle(manager):
            clock.advance(60.0)
        rounds += 1
    assert len(receiver.answered_ok) == total
    assert set(receiver.answered_ok.values()) == {1}, "a document was delivered twice"
    sent = await store.list_sent(SENDER_SYSTEM)
    assert len(sent) == total and {row.state for row in sent} == {"done"}
    growth = max(samples) - samples[0]
    print(
        f"\nbacklog {total} ({store_backend}): RSS while waiting {samples[0]:.1f} -> "
        f"{max(samples):.1f} MiB (+{growth:.1f}); {tried_while_down} tries in the down hour; "
        f"delivered in {rounds} rounds"
    )
    assert growth < 20, samples  # generous: a leak of even 2 KB per waiting document shows
    await manager.close()
