"""A human clerk works the incoming register through the endpoint's own API (adapters/README.md
"API"), all real processes on loopback: each action is a status the sender sees come back.

Department 08 receives (03), assigns to a handler (04), starts (05) and finishes (06) the
document; department 12 refuses it (02) with a reason, which reaches the sender's timeline. The
API answers honestly: 409 for a step out of order, 400 for a refusal without a reason, 404 for
a document it does not hold, 401 without the bearer token.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from tests.adapters.conftest import DEPT_08, DEPT_12, Endpoint, eventually
from tests.adapters.test_qoffice_e2e import draft, issue, timelines


async def _status(endpoint: Endpoint, method: str, path: str, body: Any = None, **kw: Any) -> int:
    headers = kw.get("headers", {"Authorization": f"Bearer {endpoint.token}"})
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, endpoint.url + path, json=body, headers=headers) as reply,
    ):
        return reply.status


async def _arrived(dept: Endpoint) -> dict[str, Any]:
    async def one() -> Any:
        rows = await dept.api("GET", "/api/van-ban-den")
        return rows[0] if rows else None

    return dict(await eventually(one))


async def test_each_clerk_action_through_the_api_reaches_the_senders_timeline(endpoints) -> None:
    sender = endpoints("00.47.Q31")
    dept_08, dept_12 = endpoints("00.47.Q08"), endpoints("00.47.Q12")  # no auto-clerk
    doc = await issue(sender, draft(DEPT_08, DEPT_12))

    row = await _arrived(dept_08)
    base = f"/api/van-ban-den/{row['id']}"
    received = await dept_08.api("POST", f"{base}/tiep-nhan", {})
    assert (received["trang_thai_van_ban"]["ma"], received["so_den"]) == ("03", 1)
    assigned = await dept_08.api("POST", f"{base}/phan-cong", {"nguoi_xu_ly": "Trần Thị C"})
    assert assigned["nguoi_xu_ly"] == "Trần Thị C"
    await dept_08.api("POST", f"{base}/dang-xu-ly", {})
    await dept_08.api("POST", f"{base}/hoan-thanh", {})
    assert await _status(dept_08, "POST", f"{base}/tiep-nhan", {}) == 409  # 03 after 06
    assert await _status(dept_08, "POST", f"{base}/tu-choi", {"ly_do": "x"}) == 409  # done is final

    refused = await _arrived(dept_12)
    other = f"/api/van-ban-den/{refused['id']}"
    assert await _status(dept_12, "POST", f"{other}/tu-choi", {}) == 400  # a reason is required
    await dept_12.api("POST", f"{other}/tu-choi", {"ly_do": "Không đúng thẩm quyền"})
    assert await _status(dept_12, "POST", "/api/van-ban-den/999/tiep-nhan", {}) == 404
    assert await _status(dept_12, "GET", "/api/van-ban-den", headers={}) == 401

    async def settled() -> Any:
        current = await sender.api("GET", f"/api/van-ban-di/{doc['id']}")
        found = timelines(current)
        return current if found[DEPT_08][-1:] == ["06"] and found[DEPT_12][-1:] == ["02"] else None

    final = await eventually(settled)
    assert timelines(final) == {DEPT_08: ["01", "03", "04", "05", "06"], DEPT_12: ["01", "02"]}
    by_agency = {r["don_vi_nhan"]["id"]: r for r in final["ds_co_quan_trong_tinh"]}
    assert "Không đúng thẩm quyền" in by_agency[DEPT_12]["dong_thoi_gian"][-1]["mo_ta"]
    assert by_agency[DEPT_12]["trang_thai_xu_ly"] == {"ma": "02", "mo_ta": "Từ chối"}
