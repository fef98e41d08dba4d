"""The end-to-end scenario of tests/adapters/ with one endpoint on the gateway door and the
others on the SDK door: a commune's document with a PDF goes to two departments, their
auto-clerks answer 01, 03, 05, 06, and the sender sees both timelines. Run twice: the sender on
the gateway (it sends the document, pulls the statuses there), then one department on it (it
pulls the document, acknowledges and sends its statuses there).

On SQLite only: the child processes take most of its ~6 s a run, and the gateway's store use
is covered on both backends by tests/gateway/test_gateway.py.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from tests.adapters.conftest import DEPT_08, DEPT_12, eventually
from tests.adapters.test_qoffice_e2e import CLERK, draft, issue, timelines


@pytest.mark.parametrize("on_gateway", ["00.47.Q31", "00.47.Q08"])
async def test_one_endpoint_on_the_gateway_door_and_the_others_on_the_sdk_door(
    endpoints_on, hub, on_gateway: str
) -> None:
    def door(system_id: str) -> str:
        return "gateway" if system_id == on_gateway else "sdk"

    sender = endpoints_on("00.47.Q31", dialect=door("00.47.Q31"))
    endpoints_on("00.47.Q08", CLERK, dialect=door("00.47.Q08"))
    endpoints_on("00.47.Q12", CLERK, dialect=door("00.47.Q12"))

    doc = await issue(sender, draft(DEPT_08, DEPT_12))

    async def finished() -> Any:
        current = await sender.api("GET", f"/api/van-ban-di/{doc['id']}")
        done = all(t[-1:] == ["06"] for t in timelines(current).values())
        return current if done and current["hub_doc_id"] else None

    final = await eventually(finished)
    assert timelines(final) == {
        DEPT_08: ["01", "03", "05", "06"],
        DEPT_12: ["01", "03", "05", "06"],
    }
    # that endpoint really used the gateway door: it holds tokens, the others none
    with sqlite3.connect(hub.data_dir / "axis.db") as db:
        holders = {row[0] for row in db.execute("SELECT system_id FROM gateway_tokens")}
    assert holders == {on_gateway}
