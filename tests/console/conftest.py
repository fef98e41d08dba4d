"""Fixtures for the console, admin API and /metrics tests: the real hub on 127.0.0.1:0 with the
console on, on both store backends (tests/hub/conftest.py's hub, config and dev PKI).

``console_hub`` has one operator (OPERATOR / PASSWORD, added the way `axis operators add` adds
one) and the admin token ADMIN_TOKEN; ``Browserless`` logs in over plain HTTP as a browser
would (login form, CSRF cookie, session cookie).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from axis import config as config_mod
from axis.api.app import create_app, server_args
from axis.config import Config
from axis.console.passwords import hash_password
from axis.console.workday import store_time
from axis.store import open_store
from tests.hub.conftest import RunningHub, hub, hub_cfg, pki, seed

__all__ = ["hub", "hub_cfg", "pki"]

OPERATOR = "ops.nguyen"
PASSWORD = "correct horse battery staple"
ADMIN_TOKEN = "test-admin-token-0123456789abcdef"
OUTPUT = Path(__file__).parent / "output"  # screenshots (gitignored)


def console_config(cfg: Config, **changes: object) -> Config:
    return config_mod.replace(
        cfg, "console", enabled=True, cookie_secure=False, counts_refresh_s=0.0,
        admin_token_sha256=hashlib.sha256(ADMIN_TOKEN.encode()).hexdigest(), **changes,
    )  # fmt: skip


async def add_operator(cfg: Config, name: str = OPERATOR, password: str = PASSWORD) -> None:
    store = await open_store(cfg)
    try:
        await store.add_operator(name, hash_password(password), store_time(datetime.now(UTC)))
    finally:
        await store.close()


@pytest.fixture
def console_cfg(hub_cfg: Config) -> Config:
    return console_config(hub_cfg)


@pytest.fixture
async def console_hub(aiohttp_server, console_cfg: Config) -> AsyncIterator[RunningHub]:
    await seed(console_cfg)
    await add_operator(console_cfg)
    app = create_app(console_cfg)
    server = await aiohttp_server(app, **server_args(console_cfg))
    try:
        async with aiohttp.ClientSession() as session:
            yield RunningHub(str(server.make_url("")).rstrip("/"), app, session)
    finally:
        # Stop the hub (its background tasks) before pg_dsn drops the schema under it: that
        # teardown blocks the event loop, and a query in flight would hold its lock for ever.
        await server.close()


_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Browserless:
    """A cookie-keeping HTTP client that uses the console as a browser does."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def close(self) -> None:
        await self.session.close()

    async def get(self, path: str, **params: str) -> tuple[int, str]:
        async with self.session.get(
            self.endpoint + path, params=params, allow_redirects=False
        ) as r:
            return r.status, await r.text()

    async def post(self, path: str, form: dict[str, str]) -> aiohttp.ClientResponse:
        async with self.session.post(
            self.endpoint + path, data=form, allow_redirects=False
        ) as response:
            await response.read()
            return response

    async def login(self, name: str = OPERATOR, password: str = PASSWORD) -> aiohttp.ClientResponse:
        _, page = await self.get("/console/login")
        token = _CSRF.search(page)
        assert token, page
        return await self.post(
            "/console/login", {"csrf": token.group(1), "name": name, "password": password}
        )

    async def csrf(self) -> str:
        _, page = await self.get("/console/documents")
        found = _CSRF.search(page)
        assert found, page
        return found.group(1)


@pytest.fixture
async def browser(console_hub: RunningHub) -> AsyncIterator[Browserless]:
    client = Browserless(console_hub.endpoint)
    yield client
    await client.close()
