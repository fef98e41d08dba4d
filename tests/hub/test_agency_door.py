"""registerAgency / deleteAgency: the door to the directory (axis/directory/registry.py).

Real integrations register with ``pcode`` = their own system id (docs/domain.md §6); ids are
strict ASCII VVV.ZZ.YY.L##; a system registers only in units it serves (configurable); an
agency with mail waiting cannot be deleted; an id deleted with history never changes owner.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from axis import config as config_mod
from axis.api.app import create_app, server_args
from axis.config import Config
from tests.hub.conftest import A, B, C, RunningHub, document, package_bytes, seed

COMMUNE = "000.27.31.H47"


def agency(agency_id: str, pcode: str) -> dict[str, str]:
    return {"id": "", "pcode": pcode, "code": agency_id, "name": "UBND xã thử", "mail": "",
            "mobile": "", "fax": ""}  # fmt: skip


@pytest.fixture
async def open_hub(aiohttp_server, hub_cfg: Config) -> AsyncIterator[RunningHub]:
    """A hub with directory.register_scope = any (systems may register any unit)."""
    cfg = config_mod.replace(hub_cfg, "directory", register_scope="any")
    await seed(cfg)
    app = create_app(cfg)
    server = await aiohttp_server(app, **server_args(cfg))
    async with aiohttp.ClientSession() as session:
        yield RunningHub(str(server.make_url("")).rstrip("/"), app, session)


async def test_pcode_equal_to_the_callers_system_id_registers_a_top_level_agency(
    hub: RunningHub,
) -> None:
    reply = await hub.client(B).register_agency(agency("000.01.31.H47", "00.47.W00"))
    assert reply["status"] == "OK", reply
    row = await hub.store.get_agency("000.01.31.H47")
    assert row is not None and (row.pid, row.system_id) == ("", "00.47.W00")


async def test_pcode_naming_a_served_agency_keeps_working(hub: RunningHub) -> None:
    reply = await hub.client(B).register_agency(agency(COMMUNE, "000.00.31.H47"))
    assert reply["status"] == "OK", reply
    row = await hub.store.get_agency(COMMUNE)
    assert row is not None and (row.pid, row.system_id) == ("000.00.31.H47", "00.47.W00")


@pytest.mark.parametrize(
    "bad",
    [
        "000.01.31.\u041d47",  # Cyrillic capital EN, looks like H
        "000.01.31.H4\u0667",  # Arabic-Indic digit seven
        "\uff10\uff10\uff10.01.31.H47",  # fullwidth digits
        "000.01.31.H47\x00",
        "000.01\u200b.31.H47",  # zero-width space
        "000.01.31.H47\n",
        " 000.01.31.H47",
        "../../etc/passwd",
        "000/01/31/H47",
        "000.01.31.h47",
        "000.01.31.L47",  # level-1 letters are A-K
        "000.01.31.H4",
        "",
    ],
)
async def test_an_agency_id_that_is_not_strict_ascii_is_refused_5_5_8(
    hub: RunningHub, bad: str
) -> None:
    before = await hub.store.count_agencies()
    body = {**agency(bad, "00.47.W00"), "id": bad}
    reply = await hub.client(B).register_agency(body)
    expected = "5.5.7" if bad == "" else "5.5.8"  # no id at all: the body is incomplete
    assert (reply["status"], reply["ErrorCode"]) == ("FAIL", expected), reply
    assert await hub.store.count_agencies() == before


async def test_a_malformed_pcode_or_one_differing_from_id_is_refused_5_5_8(
    hub: RunningHub,
) -> None:
    client = hub.client(B)
    reply = await client.register_agency(agency(COMMUNE, "000.00.31.\u041d47"))
    assert reply["ErrorCode"] == "5.5.8", reply
    reply = await client.register_agency({**agency(COMMUNE, "00.47.W00"), "id": "000.28.31.H47"})
    assert reply["ErrorCode"] == "5.5.8", reply


async def test_pcode_naming_another_system_or_its_agency_is_refused_5_8_8(
    hub: RunningHub,
) -> None:
    client = hub.client(B)
    assert (await client.register_agency(agency(COMMUNE, "00.41.W00")))["ErrorCode"] == "5.8.8"
    reply = await client.register_agency(agency("000.27.31.H41", "000.00.31.H41"))
    assert reply["ErrorCode"] == "5.8.8"
    assert (await client.register_agency(agency(COMMUNE, "000.99.31.H47")))["ErrorCode"] == "5.5.6"


@pytest.mark.parametrize(
    ("new", "pcode"),
    [
        ("000.01.31.H41", "00.47.W00"),  # another province, top level
        ("000.00.00.G99", "00.47.W00"),  # a central body
        ("000.27.31.H41", "000.00.31.H47"),  # another province under an H47 district
    ],
)
async def test_units_the_system_does_not_serve_are_refused_5_8_10_unless_configured(
    hub: RunningHub, open_hub: RunningHub, new: str, pcode: str
) -> None:
    reply = await hub.client(B).register_agency(agency(new, pcode))
    assert (reply["status"], reply["ErrorCode"]) == ("FAIL", "5.8.10"), reply
    assert await hub.store.get_agency(new) is None
    reply = await open_hub.client(B).register_agency(agency(new, pcode))
    assert reply["status"] == "OK", reply


async def _registered_with_mail(hub: RunningHub, pki) -> str:
    """COMMUNE registered by B's system, with one document from A waiting for it."""
    assert (await hub.client(B).register_agency(agency(COMMUNE, "00.47.W00")))["status"] == "OK"
    sent = await hub.client(A).send_edoc(package_bytes(pki, document(A, (COMMUNE,))), A)
    assert sent["status"] == "OK", sent
    (row,) = (await hub.client(B).get_received_list())["data"]
    return str(row["docId"])


async def test_an_agency_with_documents_waiting_cannot_be_deleted_5_5_9(
    hub: RunningHub, pki
) -> None:
    delivery = await _registered_with_mail(hub, pki)
    reply = await hub.client(B).delete_agency(COMMUNE)
    assert (reply["status"], reply["ErrorCode"]) == ("FAIL", "5.5.9"), reply
    assert await hub.store.get_agency(COMMUNE) is not None
    await hub.client(B).get_edoc(delivery)
    assert (await hub.client(B).update_status(delivery))["status"] == "OK"
    assert (await hub.client(B).delete_agency(COMMUNE))["status"] == "OK"


async def test_an_id_deleted_with_history_never_passes_to_another_system_5_5_10(
    open_hub: RunningHub, pki
) -> None:
    delivery = await _registered_with_mail(open_hub, pki)
    owner, other = open_hub.client(B), open_hub.client(C)
    await owner.get_edoc(delivery)
    await owner.update_status(delivery)
    assert (await owner.delete_agency(COMMUNE))["status"] == "OK"
    reply = await other.register_agency(agency(COMMUNE, "00.41.W00"))
    assert (reply["status"], reply["ErrorCode"]) == ("FAIL", "5.5.10"), reply
    assert (await other.get_sent_list())["data"] == []
    # its former owner may take it back (its own history)
    assert (await owner.register_agency(agency(COMMUNE, "00.47.W00")))["status"] == "OK"
    assert await open_hub.store.retired_owner(COMMUNE) is None


async def test_an_id_deleted_without_history_is_free_again(open_hub: RunningHub) -> None:
    assert (await open_hub.client(B).register_agency(agency(COMMUNE, "00.47.W00")))[
        "status"
    ] == "OK"
    assert (await open_hub.client(B).delete_agency(COMMUNE))["status"] == "OK"
    reply = await open_hub.client(C).register_agency(agency(COMMUNE, "00.41.W00"))
    assert reply["status"] == "OK", reply


async def test_delete_refusals_are_precise(hub: RunningHub) -> None:
    client = hub.client(B)
    assert (await client.delete_agency("000.01.31.\u041d47"))["ErrorCode"] == "5.5.8"
    assert (await client.delete_agency("000.99.31.H47"))["ErrorCode"] == "5.5.5"
    assert (await client.delete_agency(A))["ErrorCode"] == "5.8.8"
