"""End to end on loopback, all real processes (adapters/README.md).

A commune's Q-Office-style endpoint issues a document with a PDF attachment to two departments,
each served by its own endpoint whose auto-clerk moves it through 01, 03, 05, 06; the sender's
outgoing register, read through its own API, shows both timelines. And a package whose ack is
lost (the endpoint is SIGKILLed between storing it and acknowledging it) is stored once. And
one endpoint serves two communes, each signing and receiving as itself.
"""

from __future__ import annotations

import base64
from typing import Any

from tests.adapters.conftest import COMMUNE, COMMUNE_2, DEPT_08, DEPT_12, eventually

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + bytes(
    range(256)
)
CLERK = (
    "[clerk]\nenabled = true\nseed = 7\ndelay_s = [0.05, 0.2]\n"
    'steps = ["03", "05", "06"]\nhandler = "Chuyên viên A"\n'
)


def draft(*recipients: str) -> dict[str, Any]:
    return {
        "don_vi_gui": COMMUNE,
        "ky_hieu_van_ban": "UBND-VP",
        "trich_yeu": "Về việc báo cáo tình hình thực hiện nhiệm vụ quý IV",
        "noi_dung": "Đề nghị các sở báo cáo trước ngày 30.",
        "loai_van_ban": "Công văn",
        "do_khan": 1,
        "nguoi_ky": "Nguyễn Văn B",
        "chuc_vu_nguoi_ky": "Chủ tịch",
        "dia_diem_ban_hanh": "Quảng Nam",
        "ds_co_quan_trong_tinh": [
            {"don_vi_nhan": {"id": r, "ten": f"Sở {r}"}, "la_lien_thong": True} for r in recipients
        ],
        "ds_file_dinh_kem": [
            {
                "ten_file": "cong-van.SIGNED.pdf",
                "loai": "application/pdf",
                "noi_dung": base64.b64encode(PDF).decode(),
            }
        ],
    }


async def issue(endpoint: Any, body: dict[str, Any]) -> dict[str, Any]:
    doc = await endpoint.api("POST", "/api/van-ban-di", body)
    for stage in ("KY_SO_LANH_DAO", "KY_SO_BAN_HANH", "BAN_HANH"):
        doc = await endpoint.api("POST", f"/api/van-ban-di/{doc['id']}/buoc", {"ma": stage})
    return doc


def timelines(doc: dict[str, Any]) -> dict[str, list[str]]:
    return {
        r["don_vi_nhan"]["id"]: [t["ma"] for t in r["dong_thoi_gian"]]
        for r in doc["ds_co_quan_trong_tinh"] + doc["ds_co_quan_ngoai_tinh"]
    }


async def test_a_commune_document_reaches_two_departments_and_both_timelines_come_back(
    endpoints,
) -> None:
    sender = endpoints("00.47.Q31")
    dept_08 = endpoints("00.47.Q08", CLERK)
    dept_12 = endpoints("00.47.Q12", CLERK)

    doc = await issue(sender, draft(DEPT_08, DEPT_12))
    assert doc["trang_thai_van_ban"]["ma"] == "BAN_HANH"
    assert doc["so_ky_hieu"] == "1/UBND-VP"

    async def finished() -> Any:
        current = await sender.api("GET", f"/api/van-ban-di/{doc['id']}")
        done = all(t[-1:] == ["06"] for t in timelines(current).values())
        return current if done and current["hub_doc_id"] else None

    final = await eventually(finished)
    assert timelines(final) == {
        DEPT_08: ["01", "03", "05", "06"],
        DEPT_12: ["01", "03", "05", "06"],
    }
    for recipient in final["ds_co_quan_trong_tinh"]:
        assert recipient["trang_thai_xu_ly"] == {"ma": "06", "mo_ta": "Hoàn thành"}

    for dept in (dept_08, dept_12):
        (row,) = await dept.api("GET", "/api/van-ban-den")
        assert row["document_id"] == final["document_id"]
        assert row["trang_thai_van_ban"]["ma"] == "06"
        assert row["so_den"] == 1
        assert row["ds_file_dinh_kem"] == [
            {"ten_file": "cong-van.SIGNED.pdf", "loai": "application/pdf", "kich_thuoc": len(PDF)}
        ]
        async with (
            _session() as session,
            session.get(
                f"{dept.url}/api/van-ban-den/{row['id']}/file/0",
                headers={"Authorization": "Bearer token"},
            ) as reply,
        ):
            assert await reply.read() == PDF

    async with _session() as session, session.get(f"{sender.url}/?token=token") as page:
        html = await page.text()
    assert "Sổ văn bản đi" in html and "01 → 03 → 05 → 06" in html


async def test_a_package_whose_ack_was_lost_is_stored_once(endpoints, hub) -> None:
    sender = endpoints("00.47.Q31")
    crashing = endpoints("00.47.Q08", env={"AXIS_QOFFICE_CRASH_AT": "after-store"})
    doc = await issue(sender, draft(DEPT_08))
    assert crashing.wait_exit() == -9  # SIGKILL between the commit and updateStatus done

    crashing.env = {}
    crashing.start()  # same database: the hub lists the package again, unacknowledged

    async def stored_and_acked() -> Any:
        rows = await crashing.api("GET", "/api/van-ban-den")
        pending = await _hub_pending(hub, "00.47.Q08")
        return rows if rows and not pending else None

    rows = await eventually(stored_and_acked)
    assert [r["document_id"] for r in rows] == [doc["document_id"]]

    async def arrived() -> Any:
        current = await sender.api("GET", f"/api/van-ban-di/{doc['id']}")
        return timelines(current)[DEPT_08]

    assert await eventually(arrived) == ["01"]  # status 01 sent once, not once per delivery


def _session() -> Any:
    import aiohttp

    return aiohttp.ClientSession()


async def _hub_pending(hub: Any, system_id: str) -> list[dict[str, Any]]:
    from adapters.vxp import VxpClient
    from tests.adapters.conftest import SECRETS

    async with _session() as session:
        client = VxpClient(hub.endpoint, system_id, SECRETS[system_id], session=session)
        return await client.received_list()


async def test_one_endpoint_serves_two_communes_each_signing_and_receiving_as_itself(
    endpoints,
) -> None:
    """Commune 2 sends from the endpoint that also serves commune 1, to commune 1 and to a
    department: the hub verifies commune 2's own signature, the endpoint files the copy for
    commune 1 under commune 1 only, and both timelines come back to commune 2's register."""
    communes = endpoints("00.47.Q31", CLERK)
    endpoints("00.47.Q08", CLERK)
    doc = await issue(communes, {**draft(DEPT_08, COMMUNE), "don_vi_gui": COMMUNE_2})
    assert doc["don_vi_gui"] == COMMUNE_2

    async def finished() -> Any:
        current = await communes.api("GET", f"/api/van-ban-di/{doc['id']}")
        done = all(t[-1:] == ["06"] for t in timelines(current).values())
        return current if done else None

    final = await eventually(finished)
    assert timelines(final) == {
        DEPT_08: ["01", "03", "05", "06"],
        COMMUNE: ["01", "03", "05", "06"],
    }
    (row,) = await communes.api("GET", f"/api/van-ban-den?don_vi={COMMUNE}")
    assert (row["don_vi_nhan"], row["co_quan_gui"]) == (COMMUNE, COMMUNE_2)
    assert await communes.api("GET", f"/api/van-ban-den?don_vi={COMMUNE_2}") == []
