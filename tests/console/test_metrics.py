"""/metrics during a load run matches the load's own counts (docs/console.md), on both backends.

The test sends N packages concurrently, has M refused (unknown recipient, recorded by the store;
bad HMAC, refused before any package is read), has B acknowledge some and report 01, scrapes
while the load runs and after it, and checks every family against what it did.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

from prometheus_client.parser import text_string_to_metric_families

from bench import scrape as bench_scrape
from bench.loadgen import System, receive_until, sdk_frame, send_all
from tests.hub.conftest import SECRETS, SYSTEM_OF, A, B, C, document, package_bytes, status

N_TO_B, N_TO_C, UNKNOWN, BAD_HMAC, ACKED = 12, 6, 4, 3, 5


async def scrape(hub) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with hub.session.get(hub.endpoint + "/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_a_scrape_during_and_after_a_load_matches_its_counts(console_hub, pki) -> None:
    a = console_hub.client(A)
    to_b = [package_bytes(pki, document(A, (B,))) for _ in range(N_TO_B)]
    to_c = [package_bytes(pki, document(A, (C,))) for _ in range(N_TO_C)]
    unknown = [package_bytes(pki, document(A, ("000.00.00.H99",))) for _ in range(UNKNOWN)]
    forged = console_hub.client(A, secret="not-the-secret")

    async def load() -> list[dict]:
        sends = [a.send_edoc(data, A) for data in to_b + to_c + unknown]
        sends += [forged.send_edoc(to_b[0], A) for _ in range(BAD_HMAC)]
        return list(await asyncio.gather(*sends))

    running = asyncio.create_task(load())
    during = await scrape(console_hub)  # whatever it shows is a prefix of the load
    assert value(during, "axis_packages_accepted_total", message_type="edoc") <= N_TO_B + N_TO_C
    replies = await running
    codes = sorted(reply["ErrorCode"] for reply in replies)
    assert codes == sorted(["0"] * (N_TO_B + N_TO_C) + ["5.5.1"] * UNKNOWN + ["5.8.1"] * BAD_HMAC)

    b = console_hub.client(B)
    listed = (await b.get_received_list())["data"]
    for row in listed[:ACKED]:
        assert (await b.get_edoc(row["docId"]))["status"] == "OK"
        assert (await b.update_status(row["docId"], "done"))["status"] == "OK"
    original = document(A, (B,))
    first = await a.send_edoc(package_bytes(pki, original), A)
    assert first["status"] == "OK"
    reply = await b.send_edoc(package_bytes(pki, status(B, original, "01")), B, "status")
    assert reply["status"] == "OK", reply

    after = await scrape(console_hub)
    edocs = N_TO_B + N_TO_C + 1
    assert value(after, "axis_packages_accepted_total", message_type="edoc") == edocs
    assert value(after, "axis_packages_accepted_total", message_type="status") == 1
    assert value(after, "axis_requests_refused_total", code="5.5.1") == UNKNOWN
    assert value(after, "axis_requests_refused_total", code="5.8.1") == BAD_HMAC
    assert value(after, "axis_refusals_kept", code="5.5.1") == UNKNOWN  # the store's record
    assert value(after, "axis_deliveries", state="done") == ACKED
    assert value(after, "axis_deliveries", state="fetched") == 0
    assert value(after, "axis_deliveries", state="queued") == edocs - ACKED + 1  # + the status to A
    assert value(after, "axis_queue_depth", destination="00.47.W00") == N_TO_B + 1 - ACKED
    assert value(after, "axis_queue_depth", destination="00.41.W00") == N_TO_C
    assert value(after, "axis_queue_oldest_age_seconds", destination="00.41.W00") > 0
    assert value(after, "axis_business_status", code="01") == 1
    assert value(after, "axis_business_status", code="") == edocs - 1
    assert value(after, "axis_overdue_acknowledgements") == 0  # nothing is a working day old
    assert ("axis_hop_latency_seconds_count", ()) in after  # defined before tiers feed it

    # The latency histogram follows the event log: every acknowledgement, once.
    for _ in range(50):
        latest = await scrape(console_hub)
        if value(latest, "axis_delivery_latency_seconds_count") >= ACKED:
            break
        await asyncio.sleep(0.2)
    assert value(latest, "axis_delivery_latency_seconds_count") == ACKED
    assert value(latest, "axis_delivery_latency_seconds_bucket", le="+Inf") == ACKED


async def test_metrics_count_exactly_what_a_scripted_run_sent_fetched_and_acknowledged(
    console_hub, pki
) -> None:
    """The benches' check (bench/scrape.py) on a load of the benches' generator
    (bench/loadgen.py): every difference between a scrape before and one after the run is what
    the generator counted itself, so a bench's figures and the hub's /metrics can be trusted
    together (it caught the generator counting an acknowledgement twice)."""
    sender = System(SYSTEM_OF[A], SECRETS[SYSTEM_OF[A]], (A,))
    receivers = [System(SYSTEM_OF[x], SECRETS[SYSTEM_OF[x]], (x,)) for x in (B, C)]
    good = [package_bytes(pki, document(A, (B, C))) for _ in range(40)]
    bad = [package_bytes(pki, document(A, ("000.00.00.H99",))) for _ in range(5)]
    jobs = [(sender, A, sdk_frame(data)) for data in good + bad]

    before = await bench_scrape.settled(console_hub.endpoint, time.time())
    sent = await send_all(console_hub.endpoint, jobs, concurrency=8)
    received = await receive_until(console_hub.endpoint, receivers, 2 * sent.ok, parallel=8)
    after = await bench_scrape.settled(console_hub.endpoint, time.time())

    assert (sent.ok, sent.errors) == (40, {"5.5.1": 5})
    assert received.acked == received.fetched == 80
    load = bench_scrape.LoadCounts(
        accepted=sent.ok, refused=sent.errors, fetched=received.fetched,
        acknowledged=received.acked, recipients=2,
    )  # fmt: skip
    assert bench_scrape.compare(before, after, load) == []
    # and the check is not blind: one acknowledgement counted twice is named
    doubled = dataclasses.replace(load, acknowledged=load.acknowledged + 1)
    assert any("acknowledged done" in p for p in bench_scrape.compare(before, after, doubled))
