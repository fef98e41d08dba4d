"""Every statement a package's round trip runs costs the same whatever the store's history.

A round is what the benchmark's load is made of, through the real API of an in-process hub on
loopback: A sends a signed document to B; B lists, fetches and acknowledges it and sends status
01 back; A lists, fetches and acknowledges the status. Each SQL statement either store
connection runs (triggers included) is charged the SQLite VM steps it took. A statement whose
cost grows with the documents, deliveries and events already stored (a scan, or a seek on the
wrong index that then walks a sender's whole history, as the console's indexes once caused:
docs/performance.md "The console's indexes on the hot path") shows as dearer in the late rounds
than in the early ones. Steps, not time: exact whatever the machine's load.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Callable

import pytest

from axis.pki import devpki
from tests.hub.conftest import A, B, RunningHub, document, package_bytes, status
from tests.support.vxp_client import VxpClient

HISTORY_ROUNDS = 240  # rounds between the early and the late window
WINDOW = 12  # rounds measured at each end
# A deeper B-tree costs a few steps more per seek: growth within this is not O(history).
SLACK_STEPS, SLACK_FACTOR = 40, 1.5


@pytest.fixture
def store_backend() -> str:
    return "sqlite"  # VM steps are SQLite's measure


_LITERAL = re.compile(r"\b[Xx]'[0-9A-Fa-f]*'|'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
_LIST = re.compile(r"\((?:\s*\?\s*,)+\s*\?\s*\)")


def statement_key(sql: str) -> str:
    """The statement with its values taken out, so each execution of it shares one key."""
    return " ".join(_LIST.sub("(?...)", _LITERAL.sub("?", sql)).split())


class StepMeter:
    """VM steps per statement on the store's connections, while ``on``."""

    def __init__(self) -> None:
        self.on = False
        self.current = ""
        self.steps: dict[str, int] = defaultdict(int)
        self.runs: dict[str, int] = defaultdict(int)

    def traced(self, sql: str) -> None:
        if self.on:
            self.current = statement_key(sql)
            self.runs[self.current] += 1

    def step(self) -> int:
        if self.on:
            self.steps[self.current] += 1
        return 0

    def per_run(self) -> dict[str, float]:
        """Mean steps per execution of each statement since the last reset."""
        return {key: self.steps[key] / runs for key, runs in self.runs.items() if runs}

    def reset(self) -> None:
        self.steps.clear()
        self.runs.clear()


async def attach(hub: RunningHub, meter: StepMeter) -> None:
    store = hub.store
    for conn in (store._reader, store._writer):  # type: ignore[attr-defined]
        await conn.set_trace_callback(meter.traced)
        await conn.set_progress_handler(meter.step, 1)


async def one_round(hub: RunningHub, pki: devpki.DevPki) -> None:
    original = document(A, (B,))
    sent = await hub.client(A).send_edoc(package_bytes(pki, original), A)
    assert sent["status"] == "OK", sent
    recipient = hub.client(B)
    await take_up(recipient, "edoc")
    reply = await recipient.send_edoc(package_bytes(pki, status(B, original, "01")), B, "status")
    assert reply["status"] == "OK", reply
    await take_up(hub.client(A), "status")


async def take_up(client: VxpClient, messagetype: str) -> None:
    """List what waits, fetch each and acknowledge it, as a DMS does."""
    rows = (await client.get_received_list(messagetype))["data"]
    assert rows, f"nothing of type {messagetype} waited"
    for row in rows:
        assert (await client.get_edoc(row["docId"]))["status"] == "OK"
        assert (await client.update_status(row["docId"], "done"))["status"] == "OK"


async def measured(
    hub: RunningHub, pki: devpki.DevPki, meter: StepMeter, rounds: int
) -> dict[str, float]:
    meter.reset()
    meter.on = True
    for _ in range(rounds):
        await one_round(hub, pki)
    meter.on = False
    return meter.per_run()


def grown(
    early: dict[str, float], late: dict[str, float], allowed: Callable[[float], float]
) -> list[str]:
    return [
        f"{late[key]:.0f} VM steps late vs {early[key]:.0f} early: {key}"
        for key in sorted(early.keys() & late.keys())
        if late[key] > allowed(early[key])
    ]


async def test_no_statement_of_a_round_trip_grows_with_the_history(
    hub: RunningHub, pki: devpki.DevPki
) -> None:
    meter = StepMeter()
    await attach(hub, meter)
    for _ in range(3):  # the first rounds warm caches and create what later rounds reuse
        await one_round(hub, pki)
    early = await measured(hub, pki, meter, WINDOW)
    for _ in range(HISTORY_ROUNDS):
        await one_round(hub, pki)
    late = await measured(hub, pki, meter, WINDOW)
    assert len(early) >= 15, f"only {len(early)} statements traced: {sorted(early)}"
    assert statistics.median(early.values()) > 0, "no VM steps counted"
    dearer = grown(early, late, lambda steps: steps * SLACK_FACTOR + SLACK_STEPS)
    assert not dearer, "\n".join(dearer)
