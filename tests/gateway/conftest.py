"""The gateway door's tests: the hub tests' real app on 127.0.0.1:0 (tests/hub/conftest.py), on
both store backends, spoken to in the gateway dialect with plain HTTP requests (no client of
ours in between, so the tests see exactly what a provincial DMS sees)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.hub.conftest import SECRETS, SYSTEM_OF, RunningHub, hub, hub_cfg, pki

BASE = "/truclienthong/v1.0.0"

__all__ = ["BASE", "Door", "hub", "hub_cfg", "pki"]


@dataclass
class Door:
    """The gateway dialect over one running hub: raw requests, raw answers."""

    endpoint: str
    session: aiohttp.ClientSession

    @classmethod
    def of(cls, hub: RunningHub) -> Door:
        return cls(hub.endpoint, hub.session)

    async def token_answer(
        self, system_id: str, secret: str, *, basic: bool = True, grant: str = "client_credentials"
    ) -> tuple[int, dict[str, Any]]:
        form = {"grant_type": grant}
        headers = {}
        if basic:
            pair = base64.b64encode(f"{system_id}:{secret}".encode()).decode()
            headers["Authorization"] = f"Basic {pair}"
        else:
            form.update(client_id=system_id, client_secret=secret)
        async with self.session.post(self.endpoint + "/token", data=form, headers=headers) as reply:
            return reply.status, await reply.json()

    async def token(self, agency_or_system: str) -> str:
        system_id = SYSTEM_OF.get(agency_or_system, agency_or_system)
        status, answer = await self.token_answer(system_id, SECRETS[system_id])
        assert status == 200, answer
        return str(answer["access_token"])

    async def raw(
        self, method: str, path: str, token: str | None, body: Any = None
    ) -> tuple[int, dict[str, Any], aiohttp.typedefs.LooseHeaders]:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        async with self.session.request(
            method, self.endpoint + BASE + path, json=body, headers=headers
        ) as reply:
            return reply.status, await reply.json(), reply.headers

    async def ok(self, method: str, path: str, token: str, body: Any = None) -> Any:
        status, answer, _ = await self.raw(method, path, token, body)
        assert (status, answer["status"], answer["errorCode"]) == (200, "OK", "0"), answer
        return answer["data"]

    async def refused(
        self, method: str, path: str, token: str | None, code: str, body: Any = None
    ) -> dict[str, Any]:
        status, answer, _ = await self.raw(method, path, token, body)
        assert (answer["status"], answer["errorCode"]) == ("FAIL", code), answer
        assert status >= 400 and answer["data"] is None and answer["errorDesc"]
        return answer
