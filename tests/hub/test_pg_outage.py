"""PostgreSQL lost mid-run: the node answers 503 4.7.1 with Retry-After meanwhile, accepts
nothing it cannot store, and recovers by itself once the database is back (no restart); a node
started while the database is down waits for it (store.start_wait_s) instead of exiting.

The database is cut with a TCP proxy on loopback between the hub and PostgreSQL (the shared
server itself is never stopped): cutting closes every connection and refuses new ones, as a
crashed or restarting server would.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import pytest

from axis import config as config_mod
from axis.api.app import create_app, server_args
from axis.config import Config
from axis.daemon import Daemon
from axis.errors import StoreUnavailable
from tests.hub.conftest import A, B, RunningHub, document, package_bytes, seed


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to the database until cut."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.cut = False
        self.port = 0
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.sever()
        if self._server is not None:
            self._server.close()

    def sever(self) -> None:
        """Cut: close every open connection and refuse new ones until ``cut`` is False."""
        self.cut = True
        for writer in list(self._writers):
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cut:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        self._writers |= {writer, up_writer}
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            for w in (writer, up_writer):
                self._writers.discard(w)
                w.close()


async def through_proxy(cfg: Config) -> tuple[Config, CuttableProxy]:
    """``cfg`` reaching its PostgreSQL through a started CuttableProxy (the caller stops it)."""
    dsn = urlsplit(cfg.store.dsn)
    proxy = CuttableProxy(dsn.hostname or "127.0.0.1", dsn.port or 5432)
    await proxy.start()
    via_proxy = urlunsplit(dsn._replace(netloc=f"{dsn.username}@127.0.0.1:{proxy.port}"))
    return config_mod.replace(cfg, "store", dsn=via_proxy), proxy


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    sink.close()


@pytest.fixture
def store_backend(pg_dsn: str) -> str:
    return "postgres"


@pytest.fixture
async def proxied_hub(
    aiohttp_server, hub_cfg: Config
) -> AsyncIterator[tuple[RunningHub, CuttableProxy]]:
    await seed(hub_cfg)
    cfg, proxy = await through_proxy(hub_cfg)
    cfg = config_mod.replace(cfg, "store", retry_after_s=7)
    app = create_app(cfg)
    server = await aiohttp_server(app, **server_args(cfg))
    try:
        async with aiohttp.ClientSession() as session:
            yield RunningHub(str(server.make_url("")).rstrip("/"), app, session), proxy
    finally:
        await proxy.stop()


async def _send(hub: RunningHub, data: bytes) -> tuple[int, dict, str | None]:
    client = hub.client(A)
    headers = client.signed_headers({"from": A, "messagetype": "edoc"}, "text/xml")
    async with hub.session.post(f"{hub.endpoint}/sendEdoc", data=data, headers=headers) as r:
        return r.status, await r.json(content_type=None), r.headers.get("Retry-After")


async def _healthz(hub: RunningHub) -> tuple[int, str | None]:
    async with hub.session.get(f"{hub.endpoint}/healthz") as reply:
        return reply.status, reply.headers.get("Retry-After")


async def test_a_database_outage_is_503_with_retry_after_and_the_node_recovers(
    proxied_hub, pki
) -> None:
    hub, proxy = proxied_hub
    assert (await hub.client(A).send_edoc(package_bytes(pki, document(A, (B,))), A))[
        "status"
    ] == "OK"

    proxy.sever()
    for _ in range(3):  # every request while the database is gone: 503, nothing accepted
        status, payload, retry_after = await _send(hub, package_bytes(pki, document(A, (B,))))
        assert (status, payload["ErrorCode"], retry_after) == (503, "4.7.1", "7"), payload
    status, payload = await hub.client(B).call("getReceivedEdocList", {"messagetype": "edoc"})
    assert (status, payload["ErrorCode"]) == (503, "4.7.1")
    assert await _healthz(hub) == (503, "7")  # a load balancer takes the node out

    proxy.cut = False  # the database is back: the pool reconnects on its own
    assert await _healthz(hub) == (200, None)
    reply = await hub.client(A).send_edoc(package_bytes(pki, document(A, (B,))), A)
    assert reply["status"] == "OK", reply
    assert len((await hub.client(B).get_received_list())["data"]) == 2


@pytest.fixture
async def cut_database(hub_cfg: Config) -> AsyncIterator[tuple[Config, CuttableProxy]]:
    """The seeded hub's config reaching PostgreSQL through a proxy that starts cut."""
    await seed(hub_cfg)
    cfg, proxy = await through_proxy(hub_cfg)
    proxy.sever()
    try:
        yield config_mod.replace(cfg, "store", start_wait_s=30.0), proxy
    finally:
        await proxy.stop()


async def test_a_node_started_while_the_database_is_down_comes_up_when_it_returns(
    cut_database: tuple[Config, CuttableProxy],
) -> None:
    cfg, proxy = cut_database
    starting = asyncio.create_task(Daemon.start(cfg))
    await asyncio.sleep(1.5)
    assert not starting.done()  # waiting for the database, not exited
    proxy.cut = False
    daemon = await asyncio.wait_for(starting, timeout=30)
    try:
        assert A in {row.id for row in await daemon.store.list_agencies()}
    finally:
        await daemon.close()


async def test_with_no_wait_a_node_started_while_the_database_is_down_fails_4_7_1(
    cut_database: tuple[Config, CuttableProxy],
) -> None:
    cfg, _ = cut_database
    with pytest.raises(StoreUnavailable, match=r"^4\.7\.1 "):
        await Daemon.start(config_mod.replace(cfg, "store", start_wait_s=0.0))
