"""The queue manager's rules on a real store (both backends) and real push receivers on
loopback; time is a ManualClock, so hours of backoff take no wall time (docs/delivery.md)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from axis.config import Config
from axis.delivery import Adapter, Outbound, Outcome, Result
from axis.delivery.clock import ManualClock, SystemClock
from axis.delivery.queue import QueueManager
from axis.store.base import Store
from tests.delivery.conftest import (
    DELIVERY,
    PUSHED,
    SENDER_SYSTEM,
    accept,
    http_push,
    new_document,
    queue_manager,
    settle,
)
from tests.support.push_receiver import Receiver


async def states(store: Store) -> dict[str, tuple[str, str]]:
    """delivery id -> (state, last_error), as the sender sees them in getSentEdocList."""
    return {
        row.delivery_id: (row.state, row.last_error) for row in await store.list_sent(SENDER_SYSTEM)
    }


async def test_push_delivers_each_document_and_it_counts_as_done(
    store: Store, receiver: Receiver
) -> None:
    ids = await accept(store, 3)
    manager = queue_manager(store, {PUSHED: http_push(receiver)}, ManualClock())
    assert await settle(manager) == 3
    assert sorted(receiver.stored) == ids
    assert {state for state, _ in (await states(store)).values()} == {"done"}
    assert await settle(manager) == 0  # done is final: nothing is pushed twice
    assert sum(receiver.requests.values()) == 3
    await manager.close()


async def test_a_delivery_fetched_by_pull_before_the_switch_to_push_is_pushed(
    store: Store, receiver: Receiver
) -> None:
    [delivery] = await accept(store, 1)
    assert await store.fetch(delivery, PUSHED)  # pulled, never acknowledged; then push mode
    manager = queue_manager(store, {PUSHED: http_push(receiver)}, ManualClock())
    assert await settle(manager) == 1
    assert receiver.stored.keys() == {delivery} and (await states(store))[delivery][0] == "done"
    await manager.close()


async def test_a_large_package_is_pushed_in_chunks_byte_identical(
    store: Store, receiver: Receiver
) -> None:
    big = bytes(range(256)) * (6 * 4096 + 7)  # ~6 MiB: above the adapter's inline limit
    doc, deliveries = new_document()
    doc = replace(doc, data=big, sha256=hashlib.sha256(big).hexdigest())
    await store.save_incoming(doc, deliveries)
    manager = queue_manager(store, {PUSHED: http_push(receiver)}, ManualClock())
    assert await settle(manager) == 1
    assert receiver.stored[deliveries[0].id] == big
    await manager.close()


async def test_a_package_stored_with_a_hop_added_is_signed_for_the_bytes_actually_pushed(
    store: Store, receiver: Receiver
) -> None:
    # A package that came through another hub is stored with this hub's TraceHeader, while
    # its sha256 stays the received bytes' (the dedupe key): the signature must cover the body.
    doc, deliveries = new_document()
    doc = replace(doc, data=doc.data.replace(b"</edXML>", b"<hop/></edXML>"))
    await store.save_incoming(doc, deliveries)
    manager = queue_manager(store, {PUSHED: http_push(receiver)}, ManualClock())
    assert await settle(manager) == 1
    assert receiver.stored[deliveries[0].id] == doc.data
    assert (await states(store))[deliveries[0].id][0] == "done"
    await manager.close()


async def test_an_endpoint_that_is_down_is_retried_on_the_schedule_then_delivered(
    store: Store, receiver: Receiver
) -> None:
    [delivery] = await accept(store, 1)
    clock = ManualClock()
    manager = queue_manager(store, {PUSHED: http_push(receiver)}, clock)  # backoff 10, 20, 40
    receiver.mode = "down"
    start, tried_at = clock.now(), []
    for _ in range(120):  # two simulated minutes, a round every second
        if await settle(manager):
            tried_at.append(round(clock.now() - start))
        clock.advance(1.0)
    # the first try at once, then 10, 20, 40 s after each failure, then 40 s (the last repeats)
    assert tried_at == [0, 10, 30, 70, 110], tried_at
    state, error = (await states(store))[delivery]
    assert state == "queued" and error.startswith("4.9.3 delivery.endpoint-unavailable")
    receiver.mode = "up"
    clock.advance(40.0)
    assert await settle(manager) == 1
    assert receiver.stored.keys() == {delivery}
    assert receiver.attempts[-1] == (delivery, "6")  # the adapter is told the attempt number
    assert (await states(store))[delivery][0] == "done"
    await manager.close()


async def test_after_its_lifetime_the_delivery_expires_and_the_sender_sees_why(
    store: Store, receiver: Receiver
) -> None:
    [delivery] = await accept(store, 1)
    clock = ManualClock()
    manager = queue_manager(store, {PUSHED: http_push(receiver)}, clock, lifetime_s=100.0)
    receiver.mode = "down"
    for _ in range(30):
        await settle(manager)
        clock.advance(5.0)
    state, error = (await states(store))[delivery]
    assert state == "expired"
    assert error.startswith("5.9.1 delivery.expired") and "HTTP 503" in error
    tries = receiver.requests[delivery]
    assert tries == 4  # at 0, 10, 30, 70 s; due again at 100 s = the end of its lifetime
    receiver.mode = "up"
    clock.advance(3600)
    assert await settle(manager) == 0 and not receiver.stored  # expired is final
    await manager.close()


async def test_deliveries_held_behind_an_open_circuit_still_expire_on_time(
    store: Store, receiver: Receiver
) -> None:
    ids = await accept(store, 30)
    clock = ManualClock()
    manager = queue_manager(
        store, {PUSHED: http_push(receiver)}, clock,
        lifetime_s=600.0, circuit_failures=2, circuit_open_s=3600.0, max_in_flight_per_endpoint=2,
    )  # fmt: skip
    receiver.mode = "down"
    await settle(manager)  # two tries fail: the circuit opens for an hour
    assert manager.endpoints[PUSHED].circuit.state == "open"
    clock.advance(599.0)
    await settle(manager)
    assert {state for state, _ in (await states(store)).values()} == {"queued"}
    clock.advance(61.0)  # past the lifetime; the next sweep expires every one, tried or not
    await settle(manager)
    seen = await states(store)
    assert {seen[i][0] for i in ids} == {"expired"}
    assert all(seen[i][1].startswith("5.9.1 delivery.expired") for i in ids)
    tried = [i for i in ids if receiver.requests[i]]
    assert len(tried) == 2 and "last error: 4.9.3" in seen[tried[0]][1]
    await manager.close()


async def test_a_permanent_refusal_fails_the_delivery_at_once(
    store: Store, receiver: Receiver
) -> None:
    [delivery] = await accept(store, 1)
    manager = queue_manager(store, {PUSHED: http_push(receiver)}, ManualClock())
    receiver.mode = "refuse"
    await settle(manager)
    state, error = (await states(store))[delivery]
    assert state == "fail" and error.startswith("5.9.2 delivery.refused-by-endpoint: HTTP 400")
    await manager.close()


async def test_the_circuit_opens_after_consecutive_failures_and_a_probe_closes_it(
    store: Store, receiver: Receiver
) -> None:
    await accept(store, 6)
    clock = ManualClock()
    manager = queue_manager(
        store, {PUSHED: http_push(receiver)}, clock,
        circuit_failures=3, circuit_open_s=60.0, max_in_flight_per_endpoint=1,
    )  # fmt: skip
    circuit = manager.endpoints[PUSHED].circuit
    receiver.mode = "down"
    for _ in range(3):
        await settle(manager)
    assert circuit.state == "open" and receiver.requests.total() == 3
    clock.advance(59.0)  # everything is due again (backoff 10 s), but the circuit is open
    assert await settle(manager) == 0 and receiver.requests.total() == 3
    clock.advance(1.0)  # half-open: one probe, which fails: open again
    assert await settle(manager) == 1 and circuit.state == "open"
    assert await settle(manager) == 0
    receiver.mode = "up"
    clock.advance(60.0)  # the probe succeeds: closed, and the rest flows
    assert await settle(manager) == 1 and circuit.state == "closed"
    for _ in range(10):
        await settle(manager)
        clock.advance(1.0)
    assert len(receiver.stored) == 6
    await manager.close()


class Exploding:
    """A plug-in with a bug: raises for the deliveries named in ``broken``."""

    name: ClassVar[str] = "exploding"

    def __init__(self, inner: Adapter, broken: set[str]) -> None:
        self.inner, self.broken = inner, broken

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Exploding:
        raise NotImplementedError

    async def deliver(self, item: Outbound) -> Result:
        if item.delivery_id in self.broken:
            raise RuntimeError("adapter bug")
        return await self.inner.deliver(item)

    async def close(self) -> None:
        await self.inner.close()


def axis_command(cfg: Config, tmp_path: Path, *args: str) -> str:
    """Run the real ``axis`` command on this test's store; its output."""
    config = tmp_path / "axis.toml"
    config.write_text(
        f'[hub]\ndata_dir = "{cfg.hub.data_dir}"\n[store]\nbackend = "{cfg.store.backend}"\n'
        f'dsn = "{cfg.store.dsn}"\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "axis", args[0], "--config", str(config), *args[1:]],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return f"exit {done.returncode}\n{done.stdout}{done.stderr}"


async def test_an_adapter_that_raises_quarantines_the_delivery_until_released(
    store: Store, receiver: Receiver, store_cfg: Config, tmp_path: Path
) -> None:
    ids = await accept(store, 3)
    clock = ManualClock()
    adapter = Exploding(http_push(receiver), {ids[1]})
    manager = queue_manager(store, {PUSHED: adapter}, clock)
    await settle(manager)
    [held] = await store.push_quarantined()
    assert held.delivery_id == ids[1] and "RuntimeError('adapter bug')" in held.quarantine
    assert held.quarantine.startswith("4.9.4 delivery.quarantined")
    clock.advance(600)
    assert await settle(manager) == 0  # quarantined: never tried again by itself
    listed = axis_command(store_cfg, tmp_path, "quarantine", "list")
    assert listed.startswith("exit 0") and ids[1] in listed and "adapter bug" in listed, listed
    assert "1 quarantined" in listed
    adapter.broken.clear()
    released = axis_command(store_cfg, tmp_path, "quarantine", "release", ids[1])
    assert released.startswith("exit 0") and "released" in released, released
    again = axis_command(store_cfg, tmp_path, "quarantine", "release", ids[1])
    assert again.startswith("exit 1") and "not quarantined" in again, again
    manager.wake()
    assert await settle(manager) == 1
    assert sorted(receiver.stored) == ids and not await store.push_quarantined()
    await manager.close()


async def test_two_takers_never_get_the_same_delivery(store: Store, store_cfg: Config) -> None:
    """Two nodes' queue managers taking at once (two stores on one database) get disjoint
    leases; once the lease runs out, an unfinished delivery is due again."""
    from axis.store import open_store

    await accept(store, 20)
    other = await open_store(store_cfg)
    try:
        now, lease = "9999-01-01T00:00:00.000+00:00", "9999-01-01T00:00:30.000+00:00"
        first, second = await asyncio.gather(
            store.push_take(PUSHED, now, lease, 15), other.push_take(PUSHED, now, lease, 15)
        )
        taken = [row.delivery_id for row in (*first, *second)]
        assert len(taken) == 20 and len(set(taken)) == 20
        assert await store.push_take(PUSHED, now, lease, 15) == []  # all leased
        later = "9999-01-01T00:00:31.000+00:00"
        assert len(await other.push_take(PUSHED, later, "9999-01-02", 50)) == 20  # expired
    finally:
        await other.close()


async def test_classify_http_answers() -> None:
    from axis.delivery.http_push import classify

    assert classify(200, "", None).outcome is Outcome.DELIVERED
    assert classify(204, "", None).outcome is Outcome.DELIVERED
    for status in (408, 429, 500, 502, 503):
        assert classify(status, "", "7").outcome is Outcome.TEMPORARY
    assert classify(429, "", "7").retry_after_s == 7.0
    for status in (400, 401, 403, 404, 409, 413):
        assert classify(status, "", None).outcome is Outcome.PERMANENT


async def test_a_wake_after_a_commit_starts_the_push_at_once_not_at_the_next_poll(
    store: Store, receiver: Receiver
) -> None:
    clock = SystemClock()  # real time: the poll interval is what a wake must not wait for
    manager = QueueManager(
        store, replace(DELIVERY, poll_interval_s=30.0), {PUSHED: http_push(receiver)}, clock
    )
    running = asyncio.create_task(manager.run())
    await asyncio.sleep(0.3)  # its first round found nothing: the endpoint is quiet for 30 s
    [delivery] = await accept(store, 1)
    started = time.monotonic()
    manager.wake([PUSHED])  # what the intake's committed hook does (axis/daemon.py)
    while delivery not in receiver.stored and time.monotonic() - started < 10:
        await asyncio.sleep(0.02)
    assert delivery in receiver.stored and time.monotonic() - started < 2
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
