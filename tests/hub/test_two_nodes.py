"""Two hub nodes on one PostgreSQL database decide every shared fact once (docs/operations.md).

Each node is a whole app (its own store pool, its own in-process claims) on 127.0.0.1:0, both on
this test's fresh schema: what one node's memory knows, the other's does not, so only the
database can make these hold.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import aiohttp
import pytest

from axis.api.app import create_app, server_args
from axis.config import Config
from axis.store.base import NewDocument
from axis.store.postgres import PostgresStore
from axis.store.postgres_intake import write_incoming
from axis.store.sqlite import now
from tests.hub.conftest import (
    SYSTEM_OF,
    A,
    B,
    RunningHub,
    document,
    package_bytes,
    seed,
    status,
)
from tests.support.vxp_client import VxpClient

# Another session of this database waits for a lock (node one's insert on our row).
WAITING = (
    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
    "WHERE NOT l.granted AND a.datname = current_database()"
)


def later_client(node: RunningHub, agency: str) -> VxpClient:
    """A client whose clock runs 500 ms ahead: the same call at the same instant through two
    clients must not carry the same signed header (that would be a replay, 5.8.4)."""
    client = node.client(agency)
    client.clock = lambda: datetime.now() + timedelta(milliseconds=500)
    return client


@pytest.fixture
def store_backend(pg_dsn: str) -> str:
    return "postgres"


@pytest.fixture
async def nodes(aiohttp_server, hub_cfg: Config) -> AsyncIterator[tuple[RunningHub, RunningHub]]:
    await seed(hub_cfg)
    async with aiohttp.ClientSession() as session:
        running = []
        for _ in range(2):
            app = create_app(hub_cfg)
            server = await aiohttp_server(app, **server_args(hub_cfg))
            running.append(RunningHub(str(server.make_url("")).rstrip("/"), app, session))
        yield running[0], running[1]


async def test_the_same_package_sent_to_both_nodes_at_once_is_stored_once(nodes, pki) -> None:
    one, two = nodes
    for _ in range(5):
        data = package_bytes(pki, document(A, (B,)))
        replies = await asyncio.gather(
            one.client(A).send_edoc(data, A), later_client(two, A).send_edoc(data, A)
        )
        assert {r["status"] for r in replies} == {"OK"}, replies
        assert len({r["DocId"] for r in replies}) == 1
        assert sorted(r["code"] for r in replies) == ["2.0.0", "2.6.1"]
    assert await one.store.count_documents() == 5
    assert len((await two.client(B).get_received_list())["data"]) == 5


async def test_one_document_id_sent_as_two_new_documents_to_two_nodes_stores_one_5_6_2(
    nodes, pki
) -> None:
    one, two = nodes
    first = document(A, (B,))
    second = dataclasses.replace(document(A, (B,)), document_id=first.document_id)
    replies = await asyncio.gather(
        one.client(A).send_edoc(package_bytes(pki, first), A),
        later_client(two, A).send_edoc(package_bytes(pki, second), A),
    )
    assert sorted(r.get("ErrorCode") for r in replies) == ["0", "5.6.2"]
    assert await one.store.count_documents() == 1


async def test_conflicting_statuses_on_two_nodes_are_decided_once_5_6_6(nodes, pki) -> None:
    one, two = nodes
    for _ in range(3):
        original = document(A, (B,))
        assert (await one.client(A).send_edoc(package_bytes(pki, original), A))["status"] == "OK"
        reports = [
            package_bytes(pki, dataclasses.replace(status(B, original, "03"), description=text))
            for text in ("Đã tiếp nhận", "Đã tiếp nhận (nút khác)")
        ]
        replies = await asyncio.gather(
            one.client(B).send_edoc(reports[0], B, "status"),
            later_client(two, B).send_edoc(reports[1], B, "status"),
        )
        assert sorted(r.get("ErrorCode") for r in replies) == ["0", "5.6.6"]
    assert len((await two.client(A).get_received_list("status"))["data"]) == 3


async def test_a_request_replayed_to_the_other_node_is_refused_5_8_4(nodes) -> None:
    one, two = nodes
    headers = one.client(B).signed_headers({"messagetype": "edoc"}, "application/json")
    answers = []
    for node in (one, two):
        async with node.session.post(f"{node.endpoint}/countReceiveEdoc", headers=headers) as r:
            answers.append((r.status, (await r.json(content_type=None))["ErrorCode"]))
    assert answers == [(200, "0"), (401, "5.8.4")]


async def test_a_new_document_that_loses_its_document_id_to_another_node_mid_write_gets_5_6_2(
    nodes, pki
) -> None:
    """New documents skip the store's claim (intake/pipeline.py is_new_document): the other
    node's row, uncommitted while this one's dedupe reads, is only met by the unique index at
    the write; the pipeline then decides again under the claim and answers 5.6.2, not 503."""
    one, two = nodes
    package = document(A, (B,))
    other = NewDocument(
        str(uuid.uuid4()), A, SYSTEM_OF[A], "edoc", package.document_id, 0, None, "",
        "0" * 64, b"<other node's copy/>", "", "", (), now(),
    )  # fmt: skip
    store = two.store
    assert isinstance(store, PostgresStore)
    async with store.transaction() as conn:
        await write_incoming(conn, other, [], None, (), store.eventlog)
        sending = asyncio.create_task(one.client(A).send_edoc(package_bytes(pki, package), A))
        while not await conn.fetchval(WAITING) and not sending.done():
            await asyncio.sleep(0.02)  # until node one's insert waits on our uncommitted row
        assert not sending.done()
    reply = await sending
    assert reply.get("ErrorCode") == "5.6.2", reply
    assert await one.store.count_documents() == 1
