"""The admin API: token auth apart from operator sessions, catalogued refusals, and
schemathesis over /admin/openapi.json (no 5xx, every answer matches its schema).

The HTTP tests run on both backends; schemathesis runs on SQLite only (its hub lives in a
thread for the whole module, as tests/attacks/test_schemathesis.py's does), since it fuzzes
parameter parsing, which is the same code on both; the SQL under it is covered on both."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from axis.admin import openapi
from axis.pki import devpki
from tests.attacks.test_schemathesis import CHECKS, _ThreadHub
from tests.console.conftest import ADMIN_TOKEN, console_config
from tests.hub.conftest import A, B, document, hub_config, package_bytes

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


async def _get(hub, path: str, headers: dict[str, str] | None = None, **params: str):
    async with hub.session.get(hub.endpoint + path, headers=headers, params=params) as response:
        return response.status, await response.json()


async def test_every_route_needs_the_token_5_8_14(console_hub) -> None:
    for path in openapi.document()["paths"]:
        path = path.replace("{doc_id}", "x")
        for headers in (None, {"Authorization": "Bearer wrong"}, {"Authorization": ADMIN_TOKEN}):
            status_, body = await _get(console_hub, path, headers)
            assert (status_, body["code"]) == (401, "5.8.14"), path
    status_, _ = await _get(console_hub, "/admin/openapi.json")
    assert status_ == 200


async def test_search_document_and_refusals_as_json(console_hub, pki) -> None:
    pkg = document(A, (B,))
    reply = await console_hub.client(A).send_edoc(package_bytes(pki, pkg), A)
    status_, found = await _get(console_hub, "/admin/documents", BEARER, sender=A)
    assert status_ == 200 and [d["id"] for d in found["documents"]] == [reply["DocId"]]
    assert found["documents"][0]["recipients"] == [
        {"agency": B, "state": "queued", "biz_status": ""}
    ]
    status_, one = await _get(console_hub, f"/admin/documents/{reply['DocId']}", BEARER)
    assert status_ == 200 and one["document"]["document_id"] == pkg.document_id
    assert [d["agency"] for d in one["deliveries"]] == [B]
    assert [e["kind"] for e in one["events"]] == ["received", "routed"]  # the delivery log's kinds
    status_, missing = await _get(console_hub, "/admin/documents/nope", BEARER)
    assert (status_, missing["code"]) == (404, "5.1.12")
    status_, bad = await _get(console_hub, "/admin/documents", BEARER, limit="0")
    assert (status_, bad["code"]) == (400, "5.1.5")
    status_, queue = await _get(console_hub, "/admin/queue", BEARER)
    assert queue["queue"][0]["destination"] == "00.47.W00"


# -- schemathesis -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_admin(tmp_path_factory: pytest.TempPathFactory, pki: devpki.DevPki) -> Iterator[str]:
    hub = _ThreadHub(console_config(hub_config(tmp_path_factory.mktemp("admin"), pki)))
    try:
        yield hub.start()
    finally:
        hub.stop()


@pytest.fixture(scope="module")
def admin_api(live_admin: str) -> Any:
    loaded = schemathesis.openapi.from_url(f"{live_admin}/admin/openapi.json")
    loaded.auth(refresh_interval=None)(BearerAuth)
    return loaded


class BearerAuth:
    def get(self, case: Any, ctx: Any) -> str:
        return ADMIN_TOKEN

    def set(self, case: Any, token: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


ROUTES = [(path, method) for path, item in openapi.document()["paths"].items() for method in item]


@pytest.mark.parametrize(("path", "method"), ROUTES, ids=[path for path, _ in ROUTES])
def test_every_admin_route_answers_without_5xx_and_matches_its_schema(
    admin_api: Any, live_admin: str, path: str, method: str
) -> None:
    operation = admin_api[path][method.upper()]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case: Any) -> None:
        case.call_and_validate(base_url=live_admin, checks=CHECKS, timeout=30)

    run()
