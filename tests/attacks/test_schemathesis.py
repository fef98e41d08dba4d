"""schemathesis against the real hub: no 5xx, every answer matches /openapi.json.

The hub runs in a background thread's event loop on 127.0.0.1:0 (schemathesis calls through
``requests``, synchronously), on SQLite in a tmp dir seeded with the demo directory and systems.
Every generated request is signed like the SDK signs it (docs/domain.md §6): ``XroadAuth`` fills the
XroadVnpt-* authentication headers with a fresh timestamp and the HMAC-SHA256 of the signed
header JSON, using the independent client's signer (tests/support/vxp_client.py), so the generated
parameters and bodies reach the operations instead of stopping at authentication. For
/sendEdoc it also sets From to the caller's own agency and hash-file to the generated body's
hash, so random bodies reach the XML parser. Bounded: 25 examples per operation, no deadline.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from axis.api import openapi
from axis.api.app import OPERATIONS, create_app, server_args
from axis.config import Config
from axis.pki import devpki
from tests.hub.conftest import SECRETS, SYSTEM_OF, B, hub_config, seed
from tests.support.vxp_client import PREFIX, VxpClient, java_hex_sha256

AUTH_NAMES = {"systemid", "timestamp", "sign-header-key", "sign-header", "hash-header",
              "content-type", "version"}  # fmt: skip
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


class _ThreadHub:
    """The real app served from its own event loop thread (requests is synchronous)."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runner = web.AppRunner(create_app(cfg), access_log=None, **server_args(cfg))

    async def _start(self) -> int:
        await seed(self.cfg)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        return int(self.runner.addresses[0][1])

    def start(self) -> str:
        self.thread.start()
        port = asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(30)
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def live_hub(tmp_path_factory: pytest.TempPathFactory, pki: devpki.DevPki) -> Iterator[str]:
    cfg = hub_config(tmp_path_factory.mktemp("schemathesis"), pki)
    hub = _ThreadHub(cfg)
    try:
        yield hub.start()
    finally:
        hub.stop()


@pytest.fixture(scope="module")
def api(live_hub: str) -> Any:
    loaded = schemathesis.openapi.from_url(f"{live_hub}/openapi.json")
    loaded.auth(refresh_interval=None)(XroadAuth)
    return loaded


class XroadAuth:
    """Signs each generated request as system B's SDK would, with a fresh timestamp."""

    def get(self, case: Any, ctx: Any) -> VxpClient:
        system_id = SYSTEM_OF[B]
        # signed_headers() needs no session: it only computes the header set.
        return VxpClient("http://unused", system_id, SECRETS[system_id], session=None)  # type: ignore[arg-type]

    def set(self, case: Any, client: VxpClient, ctx: Any) -> None:
        generated = dict(case.headers or {})
        params = {
            name[len(PREFIX) :]: str(value)
            for name, value in generated.items()
            if name.lower().startswith(PREFIX.lower())
            and name[len(PREFIX) :].lower() not in AUTH_NAMES
        }
        if case.operation.path == "/sendEdoc":
            raw = getattr(case.body, "data", case.body)  # binary bodies come wrapped (Binary)
            body = raw if isinstance(raw, bytes) else b""
            params.update({"from": B, "hash-file": java_hex_sha256(body)})
        headers = {k: v for k, v in generated.items() if not k.lower().startswith(PREFIX.lower())}
        headers.update(client.signed_headers(params, case.media_type or "application/json"))
        case.headers = headers


# The pytest integration (schemathesis.pytest.from_fixture) reads request.node._nodeid, which
# pytest 9 no longer has; the plain Python API (operation.as_strategy + hypothesis) is used.
ROUTES = [(path, method) for path, item in openapi.document()["paths"].items() for method in item]


@pytest.mark.parametrize(("path", "method"), ROUTES, ids=[path for path, _ in ROUTES])
def test_every_operation_answers_without_5xx_and_matches_its_schema(
    api: Any, live_hub: str, path: str, method: str
) -> None:
    operation = api[path][method.upper()]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case: Any) -> None:
        case.call_and_validate(base_url=live_hub, checks=CHECKS, timeout=30)

    run()


def test_the_openapi_document_lists_every_operation_the_hub_dispatches() -> None:
    paths = set(openapi.document()["paths"])
    assert {f"/{name}" for name in OPERATIONS} <= paths
