"""Two hub nodes on one PostgreSQL database append to ONE chain at once (docs/delivery-log.md).

Each node is a whole app (own pool, own sealer task sealing every 50 ms) on 127.0.0.1:0 over
this test's fresh schema; both take packages, fetches and acknowledgements concurrently, events
are recorded directly, some transactions commit slowly, and both nodes run the chainer as
often as they can. ``axis log verify`` then finds one intact chain, every
event in it, and seals from both nodes that agree with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from axis import config as config_mod
from axis.api.app import create_app, server_args
from axis.config import Config
from axis.eventlog.event import Event
from axis.store.events_postgres import append
from tests.eventlog.conftest import cli_json, write_config
from tests.hub.conftest import A, B, C, RunningHub, document, package_bytes, seed


@pytest.fixture
def store_backend(pg_dsn: str) -> str:
    return "postgres"


@pytest.fixture
async def nodes(hub_cfg: Config, aiohttp_server) -> AsyncIterator[list[RunningHub]]:
    # hub_cfg first: its schema is set up before the servers and dropped after they stop.
    cfg = config_mod.replace(hub_cfg, "eventlog", seal_every_s=0.05)
    await seed(cfg)
    async with aiohttp.ClientSession() as session:
        running = []
        for _ in range(2):
            app = create_app(cfg)
            server = await aiohttp_server(app, **server_args(cfg))
            running.append(RunningHub(str(server.make_url("")).rstrip("/"), app, session))
        yield running


async def _traffic(node: RunningHub, pki, sender: str, recipient: str, count: int) -> None:
    async def one() -> None:
        reply = await node.client(sender).send_edoc(
            package_bytes(pki, document(sender, (recipient,))), sender
        )
        assert reply["status"] == "OK", reply

    await asyncio.gather(*(one() for _ in range(count)))
    client = node.client(recipient)
    for row in (await client.get_received_list())["data"]:
        await client.get_edoc(row["docId"])
        await client.update_status(row["docId"], "done")


async def test_two_nodes_appending_at_once_keep_one_valid_chain(
    nodes, hub_cfg, pki, tmp_path
) -> None:
    one, two = nodes

    async def direct(node: RunningHub, tag: str) -> None:
        for n in range(20):
            await node.store.record_event(Event("retried", detail=f"{tag} {n}"))

    async def slow_commits(node: RunningHub) -> None:
        """Transactions whose commit comes 30 ms after their events took a seq (a slow disk):
        the chainer must not link later events past them."""
        for n in range(10):
            async with node.store.transaction() as conn:  # type: ignore[attr-defined]
                await append(conn, [Event("retried", detail=f"slow {n}")], node.store.eventlog)
                await asyncio.sleep(0.03)

    async def chainer(node: RunningHub, until: asyncio.Event) -> None:
        while not until.is_set():  # as often as it can, to land inside those 30 ms
            await node.store.chain_pending()
            await asyncio.sleep(0.002)

    done = asyncio.Event()
    chaining = asyncio.gather(chainer(one, done), chainer(two, done))
    await asyncio.gather(
        _traffic(one, pki, A, B, 15),
        _traffic(two, pki, B, C, 15),
        direct(one, "one"),
        direct(two, "two"),
        slow_commits(one),
        slow_commits(two),
    )
    done.set()
    await chaining
    await asyncio.sleep(0.2)  # both sealers run at least once more
    config = str(write_config(hub_cfg, tmp_path / "cli.toml"))
    code, report = await cli_json("log", "verify", "--config", config)
    assert code == 0 and report["ok"], report["problems"]
    total = await one.store.count_events()
    assert report["events"] == total
    # 30 packages: received + routed + fetched + acknowledged each; 60 direct events.
    assert total >= 30 * 4 + 60
    seals = await one.store.list_seals()
    assert len(seals) >= 2 and len({s.seq for s in seals}) == len(seals)  # no head sealed twice
