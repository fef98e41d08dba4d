"""The load generator: simulated agency systems driving a hub over loopback.

Senders push pre-built (pre-signed) packages through /sendEdoc with a fixed concurrency;
receivers poll /getReceivedEdocList, fetch each package with /getEdoc and acknowledge it with
/updateStatus done, exactly as a DMS on the VXP SDK does. Every call goes through the
independent client in tests/support/vxp_client.py; sendEdoc is framed here as the real SDK frames it
(docs/domain.md §6): body = file + CRLF, hash-file = SHA-256 of the file alone in the SDK's
unpadded hex. Frames are built before the clock starts, so the generator's own CPU goes to
HTTP and HMAC as a DMS's would.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import aiohttp

from tests.support.vxp_client import VxpClient, java_hex_sha256

# How the real SDK puts a file on the wire: its bytes, then one CRLF that hash-file does not cover.
SDK_TRAILER = b"\r\n"


@dataclass(frozen=True)
class Frame:
    """One sendEdoc as it goes on the wire: the body and the hash-file header value."""

    body: bytes
    hash_file: str


def sdk_frame(data: bytes, *, trailer: bytes = SDK_TRAILER) -> Frame:
    return Frame(data + trailer, java_hex_sha256(data))


async def send_frame(client: VxpClient, frame: Frame, from_agency: str) -> dict:
    params = {
        "servicetype": "eDoc",
        "messagetype": "edoc",
        "from": from_agency,
        "hash-file": frame.hash_file,
    }
    _, payload = await client.call("sendEdoc", params, frame.body, "application/octet-stream")
    return payload


@dataclass(frozen=True)
class System:
    system_id: str
    secret: str
    agencies: tuple[str, ...]


@dataclass
class SendResult:
    ok: int = 0
    failed: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    doc_ids: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0

    @property
    def per_s(self) -> float:
        elapsed = self.finished - self.started
        return self.ok / elapsed if elapsed > 0 else 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _connector() -> aiohttp.TCPConnector:
    return aiohttp.TCPConnector(limit=0, force_close=False)


async def send_all(
    endpoint: str,
    jobs: list[tuple[System, str, Frame]],
    *,
    concurrency: int,
    rate_per_s: float | None = None,
) -> SendResult:
    """Send every (system, from agency, package) job; optionally paced at ``rate_per_s``."""
    result = SendResult()
    queue: asyncio.Queue[tuple[int, tuple[System, str, Frame]]] = asyncio.Queue()
    for index, job in enumerate(jobs):
        queue.put_nowait((index, job))
    async with aiohttp.ClientSession(connector=_connector()) as session:
        clients: dict[str, VxpClient] = {}
        result.started = time.perf_counter()

        async def worker() -> None:
            while not queue.empty():
                index, (system, sender, frame) = queue.get_nowait()
                if rate_per_s:
                    delay = result.started + index / rate_per_s - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                client = clients.setdefault(
                    system.system_id,
                    VxpClient(endpoint, system.system_id, system.secret, session=session),
                )
                began = time.perf_counter()
                try:
                    reply = await send_frame(client, frame, sender)
                except aiohttp.ClientError as exc:
                    reply = {"ErrorCode": type(exc).__name__}
                result.latencies_ms.append((time.perf_counter() - began) * 1000)
                if reply.get("status") == "OK":
                    result.ok += 1
                    result.doc_ids.append(str(reply.get("DocId")))
                else:
                    result.failed += 1
                    code = str(reply.get("ErrorCode"))
                    result.errors[code] = result.errors.get(code, 0) + 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.finished = time.perf_counter()
    return result


@dataclass
class ReceiveResult:
    acked: int = 0  # deliveries acknowledged done, each counted once
    fetched: int = 0  # successful getEdoc calls (one per delivery: none is taken twice)
    fetch_failures: int = 0
    finished: float = 0.0


async def _drain_system(
    client: VxpClient, result: ReceiveResult, parallel: int, stop: asyncio.Event
) -> None:
    """One receiving system: a poller lists pending deliveries (a page at a time) and
    ``parallel`` workers fetch and acknowledge them; a delivery in flight is never taken twice.
    Like a DMS working through its list, it lists again only once every listed delivery has
    been taken up (listing while hundreds are still queued would make the hub serialise the
    same rows over and over: that is the generator's cost, not a recipient's).

    A delivery once taken is never queued again, even when a listing answered before its
    acknowledgement lists it once more: forgetting it after the ack (as this did) fetched and
    acknowledged such a delivery twice and counted it twice (bench/scrape.py found it). Only
    a failed fetch is given back, to be listed and tried again."""
    pending: asyncio.Queue[str] = asyncio.Queue()
    taken: set[str] = set()

    async def worker() -> None:
        while not stop.is_set():
            try:
                doc_id = await asyncio.wait_for(pending.get(), 0.05)
            except TimeoutError:
                continue
            reply = await client.get_edoc(doc_id)
            if reply.get("status") == "OK" and reply.get("data"):
                result.fetched += 1
                ack = await client.update_status(doc_id, "done")
                if ack.get("status") == "OK":
                    result.acked += 1
                    result.finished = time.perf_counter()
            else:
                result.fetch_failures += 1
                taken.discard(doc_id)

    workers = [asyncio.create_task(worker()) for _ in range(parallel)]
    try:
        while not stop.is_set():
            if not pending.empty():
                await asyncio.sleep(0.005)
                continue
            listing = await client.get_received_list("edoc", limit=500)
            fresh = [str(r["docId"]) for r in listing.get("data") or ()]
            fresh = [d for d in fresh if d not in taken]
            for doc_id in fresh:
                taken.add(doc_id)
                pending.put_nowait(doc_id)
            if not fresh:
                await asyncio.sleep(0.02)
    finally:
        await asyncio.gather(*workers)


async def receive_until(
    endpoint: str,
    systems: list[System],
    expected_acks: int,
    *,
    parallel: int = 16,
    timeout_s: float = 600.0,
) -> ReceiveResult:
    """Poll, fetch and acknowledge as every system until ``expected_acks`` deliveries are done."""
    result = ReceiveResult()
    stop = asyncio.Event()
    async with aiohttp.ClientSession(connector=_connector()) as session:
        clients = [VxpClient(endpoint, s.system_id, s.secret, session=session) for s in systems]
        tasks = [asyncio.create_task(_drain_system(c, result, parallel, stop)) for c in clients]
        deadline = time.perf_counter() + timeout_s
        while result.acked < expected_acks and time.perf_counter() < deadline:
            if any(t.done() for t in tasks):
                break
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    return result
