"""`make chaos`: SIGKILL the hub at random moments under load and count what was lost.

Senders push uniquely numbered packages; when a request dies with the hub they retry the same
bytes once it is back (the hub answers a retry of identical bytes with the original DocId).
Receivers list, fetch and acknowledge throughout. A killer SIGKILLs the hub at random moments
and restarts it. At the end every package the hub answered OK must have been delivered to
every recipient, no acknowledged delivery may be offered again, and the hub's sent list must
agree with what the senders saw. Ends with one line:
``chaos: N packages, K kills, lost L, duplicated D``.
Knobs: CHAOS_PACKAGES (default 10000), CHAOS_KILLS (default 20), CHAOS_SEED.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import tempfile
from base64 import b64decode
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.hubproc import Hub
from bench.loadgen import System
from bench.packages import make_package
from tests.vxp_client import VxpClient

DOCUMENT_ID = re.compile(rb"<edXML:DocumentId>([^<]+)</edXML:DocumentId>")
RETRYABLE = (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)


@dataclass
class Ledger:
    """What the load generator saw: the ground truth the hub is checked against."""

    accepted: dict[str, str] = field(default_factory=dict)  # DocumentId -> DocId
    recipients: dict[str, tuple[str, ...]] = field(default_factory=dict)
    delivered: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    acked_deliveries: set[str] = field(default_factory=set)
    duplicates: int = 0
    kills: int = 0
    sending_done: bool = False


async def _with_retry(action, hub_up: asyncio.Event):  # type: ignore[no-untyped-def]
    while True:
        await hub_up.wait()
        try:
            reply = await action()
        except RETRYABLE:
            await asyncio.sleep(0.05)
            continue
        if str(reply.get("ErrorCode")) in ("4.7.1", "4.7.2"):
            await asyncio.sleep(0.1)
            continue
        return reply


async def sender(
    client: VxpClient,
    agency: str,
    targets: list[str],
    numbers: range,
    ledger: Ledger,
    hub_up: asyncio.Event,
) -> None:
    rng = random.Random(numbers.start)
    for number in numbers:
        recipients = rng.sample(targets, k=min(len(targets), rng.randint(1, 3)))
        data = make_package(agency, recipients, size_kb=4, number=number)
        document_id = DOCUMENT_ID.search(data).group(1).decode()  # type: ignore[union-attr]
        reply = await _with_retry(lambda d=data: client.send_edoc(d, agency), hub_up)
        if reply.get("status") == "OK":
            ledger.accepted[document_id] = str(reply["DocId"])
            ledger.recipients[document_id] = tuple(recipients)
        else:
            raise SystemExit(f"chaos: package refused: {reply}")


async def receiver(
    client: VxpClient,
    agencies: dict[str, str],
    ledger: Ledger,
    hub_up: asyncio.Event,
    stop: asyncio.Event,
) -> None:
    while not stop.is_set():
        listing = await _with_retry(lambda: client.get_received_list("edoc"), hub_up)
        rows = listing.get("data") or []
        if not rows:
            await asyncio.sleep(0.05)
            continue
        for row in rows:
            delivery = str(row["docId"])
            if delivery in ledger.acked_deliveries:
                ledger.duplicates += 1
                continue
            fetched = await _with_retry(lambda d=delivery: client.get_edoc(d), hub_up)
            if fetched.get("status") != "OK":
                continue
            match = DOCUMENT_ID.search(b64decode(fetched["data"]))
            recipient = str(row.get("to", ""))
            if match:
                ledger.delivered[match.group(1).decode()].add(recipient)
            ack = await _with_retry(lambda d=delivery: client.update_status(d, "done"), hub_up)
            if ack.get("status") == "OK":
                ledger.acked_deliveries.add(delivery)


async def killer(
    hub: Hub, packages: int, kills: int, ledger: Ledger, hub_up: asyncio.Event, seed: int
) -> None:
    """SIGKILL the hub ``kills`` times, spread over the run by progress, at random moments
    inside each stretch (so kills land mid-request, mid-commit, mid-fetch)."""
    rng = random.Random(seed)
    stretch = packages / (kills + 1)
    for n in range(1, kills + 1):
        threshold = (n - 1) * stretch + rng.uniform(0.5, 1.0) * stretch
        while len(ledger.accepted) < threshold and not ledger.sending_done:
            await asyncio.sleep(0.01)
        await asyncio.sleep(rng.uniform(0.0, 0.05))
        hub_up.clear()
        hub.kill()
        ledger.kills += 1
        await asyncio.to_thread(hub.start)
        hub_up.set()


def lost_packages(ledger: Ledger) -> int:
    return sum(
        1
        for document_id, recipients in ledger.recipients.items()
        if not set(recipients) <= ledger.delivered.get(document_id, set())
    )


async def run(packages: int, kills: int, seed: int, data_dir: Path) -> Ledger:
    hub = Hub(data_dir)
    hub.start()
    systems: list[System] = hub.systems()
    source, sinks = systems[0], [s for s in systems[1:] if s.agencies]
    targets = [a for s in sinks for a in s.agencies]
    ledger = Ledger()
    hub_up, stop = asyncio.Event(), asyncio.Event()
    hub_up.set()
    timeout = aiohttp.ClientTimeout(total=30)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            send_client = VxpClient(hub.endpoint, source.system_id, source.secret, session=session)
            receivers = [
                receiver(
                    VxpClient(hub.endpoint, s.system_id, s.secret, session=session),
                    {a: s.system_id for a in s.agencies},
                    ledger,
                    hub_up,
                    stop,
                )
                for s in sinks
            ]
            per_sender = max(1, packages // 8)
            senders = [
                sender(
                    send_client,
                    source.agencies[0],
                    targets,
                    range(i, min(packages, i + per_sender)),
                    ledger,
                    hub_up,
                )
                for i in range(0, packages, per_sender)
            ]
            receiving = [asyncio.create_task(r) for r in receivers]
            killing = asyncio.create_task(killer(hub, packages, kills, ledger, hub_up, seed))
            await asyncio.gather(*senders)
            ledger.sending_done = True
            await killing
            await _drain(ledger)
            stop.set()
            await asyncio.gather(*receiving)
            await _check_sent_list(send_client, ledger, hub_up)
    finally:
        hub.stop()
    return ledger


async def _drain(ledger: Ledger, timeout_s: float = 120.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while lost_packages(ledger) and loop.time() < deadline:
        await asyncio.sleep(0.2)


async def _check_sent_list(client: VxpClient, ledger: Ledger, hub_up: asyncio.Event) -> None:
    """The store's records must agree with the ledger: one sent row per accepted recipient."""
    stored: set[str] = set()
    page = 1000
    for offset in range(0, 10**9, page):
        params = {"limit": str(page), "offset": str(offset)}
        reply = await _with_retry(lambda p=params: _sent_page(client, p), hub_up)
        rows = reply.get("data") or []
        stored |= {str(r["senderDocId"]) for r in rows}
        if len(rows) < page:
            break
    missing = set(ledger.accepted.values()) - stored
    extra = stored - set(ledger.accepted.values())
    if missing or extra:
        raise SystemExit(
            f"chaos: store disagrees with the load generator: {len(missing)} accepted packages "
            f"missing from getSentEdocList, {len(extra)} unknown to the senders"
        )


async def _sent_page(client: VxpClient, params: dict[str, str]) -> dict:
    return (await client.call("getSentEdocList", params))[1]


def main() -> None:
    packages = int(os.environ.get("CHAOS_PACKAGES", "10000"))
    kills = int(os.environ.get("CHAOS_KILLS", "20"))
    seed = int(os.environ.get("CHAOS_SEED", "1"))
    with tempfile.TemporaryDirectory(prefix="axis-chaos-") as tmp:
        ledger = asyncio.run(run(packages, kills, seed, Path(tmp)))
    lost = lost_packages(ledger)
    print(
        f"chaos: {len(ledger.accepted)} packages, {ledger.kills} kills, lost {lost}, "
        f"duplicated {ledger.duplicates}"
    )
    raise SystemExit(1 if lost or ledger.duplicates else 0)


if __name__ == "__main__":
    main()
