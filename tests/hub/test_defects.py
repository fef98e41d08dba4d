"""Defects of issue 7 and issue 8 (items 5, 6): each test failed before its fix.

Acknowledgement state machine, answers to a second update, upstream-only recipients, receipts
without a hub key, signature checking off, repeated recalls, padded status codes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from axis import config as config_mod
from axis.api.app import DAEMON, create_app, server_args
from axis.config import Config
from axis.edxml import build
from axis.store.base import AgencyRow
from tests.hub.conftest import A, B, C, RunningHub, document, package_bytes, seed, status
from tests.support.vxp_client import java_hex_sha256


async def _send(client, data: bytes, sender: str, kind: str = "edoc") -> tuple[int, dict]:
    params = {"servicetype": "eDoc", "messagetype": kind, "from": sender}
    params["hash-file"] = java_hex_sha256(data)
    return await client.call("sendEdoc", params, data, "application/octet-stream")


async def _report(hub, pki, reporter: str, original, code: str) -> dict:
    data = package_bytes(pki, status(reporter, original, code))
    return (await _send(hub.client(reporter), data, reporter, "status"))[1]


async def _delivered(hub, pki, recipients=(B,)):
    original = document(A, recipients)
    reply = (await _send(hub.client(A), package_bytes(pki, original), A))[1]
    assert reply["status"] == "OK", reply
    return original, reply["DocId"]


@pytest.fixture
async def make_hub(aiohttp_server, hub_cfg: Config) -> AsyncIterator:
    """A hub with some settings changed: ``await make_hub(section, **changes)``."""
    async with aiohttp.ClientSession() as session:

        async def start(section: str, **changes: object) -> RunningHub:
            cfg = config_mod.replace(hub_cfg, section, **changes)
            await seed(cfg)
            app = create_app(cfg)
            server = await aiohttp_server(app, **server_args(cfg))
            return RunningHub(str(server.make_url("")).rstrip("/"), app, session)

        yield start


# -- 1. acknowledgements: done is final ---------------------------------------------------------


async def test_done_then_fail_is_refused_and_the_delivery_stays_out_of_the_inbox(hub, pki) -> None:
    await _delivered(hub, pki)
    [row] = (await hub.client(B).get_received_list())["data"]
    assert (await hub.client(B).update_status(row["docId"], "done"))["status"] == "OK"
    reply = await hub.client(B).update_status(row["docId"], "fail")
    assert (reply["status"], reply["ErrorCode"]) == ("FAIL", "5.1.10"), reply
    b = hub.client(B)  # one client: list and count sign identical headers (replay cache)
    assert (await b.get_received_list())["data"] == []
    assert (await b.count_receive())["count"] == 0


async def test_the_same_done_twice_is_idempotent(hub, pki) -> None:
    await _delivered(hub, pki)
    [row] = (await hub.client(B).get_received_list())["data"]
    for _ in range(2):
        assert (await hub.client(B).update_status(row["docId"], "done"))["status"] == "OK"
    assert (await hub.client(B).get_received_list())["data"] == []


async def test_fail_then_done_delivers_and_fail_keeps_it_listed(hub, pki) -> None:
    await _delivered(hub, pki)
    [row] = (await hub.client(B).get_received_list())["data"]
    assert (await hub.client(B).update_status(row["docId"], "fail"))["status"] == "OK"
    assert [r["docId"] for r in (await hub.client(B).get_received_list())["data"]] == [row["docId"]]
    assert (await hub.client(B).update_status(row["docId"], "done"))["status"] == "OK"
    assert (await hub.client(B).get_received_list())["data"] == []


# -- 2. a second update is answered -------------------------------------------------------------


async def test_each_update_can_be_answered_15(hub, pki) -> None:
    original, _ = await _delivered(hub, pki)
    for _ in range(2):
        update = document(A, (B,), doc_type=2, original=original.document_id)
        assert (await _send(hub.client(A), package_bytes(pki, update), A))[1]["status"] == "OK"
        reply = await _report(hub, pki, B, original, "15")
        assert reply["status"] == "OK", reply
    assert (await _report(hub, pki, B, original, "15"))["ErrorCode"] == "5.6.9"


# -- 3. recipients only an upstream hub can reach -------------------------------------------------

UPSTREAM_ONLY = "000.00.00.H99"


async def test_a_recipient_reachable_only_upstream_is_refused_and_nothing_stored(hub, pki) -> None:
    assert await hub.store.add_agency(AgencyRow(id=UPSTREAM_ONLY, upstream="national"))
    before = await hub.store.count_documents()
    status_, reply = await _send(
        hub.client(A), package_bytes(pki, document(A, (B, UPSTREAM_ONLY))), A
    )
    assert (status_, reply["ErrorCode"]) == (400, "5.5.11"), reply
    assert UPSTREAM_ONLY in reply["ErrorDesc"]
    assert await hub.store.count_documents() == before


async def test_every_delivery_records_its_route(hub, pki) -> None:
    _, doc_id = await _delivered(hub, pki, (B, C))
    routes = await hub.store.delivery_routes(doc_id)
    assert routes == {B: "00.47.W00", C: "00.41.W00"}


# -- 4. a receipt from a hub without a signing key ----------------------------------------------


async def test_a_receipt_without_a_hub_key_is_its_own_code_not_an_internal_error(
    make_hub, pki, tmp_path: Path
) -> None:
    (tmp_path / "no-key").mkdir()
    hub = await make_hub("hub", key_dir=str(tmp_path / "no-key"))
    _, doc_id = await _delivered(hub, pki)
    status_, reply = await hub.client(A).call("getReceipt", {"docId": doc_id}, b"{}")
    assert (status_, reply["ErrorCode"]) == (501, "5.7.5"), reply


# -- 5. signature checking off is said, not silent -----------------------------------------------


async def test_with_signature_checking_off_a_package_carries_a_warning(make_hub, pki) -> None:
    hub = await make_hub("signature", mode="off")
    reply = (await _send(hub.client(A), package_bytes(pki, document(A, (B,))), A))[1]
    assert reply["status"] == "OK", reply
    assert "2.3.16" in [w["code"] for w in reply["warnings"]]
    stored = await hub.app[DAEMON].store.get_document(reply["DocId"])  # type: ignore[index]
    assert stored is not None and "2.3.16" in stored.findings


# -- 7. recalls pass the same duplicate rule ------------------------------------------------------


async def test_a_recall_sent_three_times_is_stored_and_relayed_once(hub, pki) -> None:
    original, _ = await _delivered(hub, pki)
    replies = [await _report(hub, pki, A, original, "13") for _ in range(3)]
    assert [r.get("ErrorCode") for r in replies] == ["0", "5.6.6", "5.6.6"], replies
    statuses = (await hub.client(B).get_received_list("status"))["data"]
    assert len(statuses) == 1


# -- 8. whitespace around StatusCode ----------------------------------------------------------


def _padded(pki, reporter: str, original, raw_code: str) -> bytes:
    from tests.hub.conftest import signed

    xml = build(status(reporter, original, "03")).replace(
        b"<edXML:StatusCode>03</edXML:StatusCode>",
        f"<edXML:StatusCode>{raw_code}</edXML:StatusCode>".encode(),
    )
    assert raw_code.encode() in xml
    return signed(pki, reporter, xml)


@pytest.mark.parametrize("raw_code", [" 03", "03 ", "\t03", "\n03\n"])
async def test_a_padded_status_code_is_normalised_with_a_warning_when_lenient(
    hub, pki, raw_code: str
) -> None:
    original, _ = await _delivered(hub, pki)
    _, reply = await _send(hub.client(B), _padded(pki, B, original, raw_code), B, "status")
    assert reply["status"] == "OK", reply
    assert [w["code"] for w in reply["warnings"]] == ["2.4.7"]
    sent = (await hub.client(A).get_sent_list())["data"]
    assert [row["receiveStatus"] for row in sent] == ["03"]
    assert (await _report(hub, pki, B, original, "03"))["ErrorCode"] == "5.6.6"


async def test_a_padded_status_code_is_refused_when_strict(make_hub, pki) -> None:
    hub = await make_hub("intake", policy="strict")
    original, _ = await _delivered(hub, pki)
    status_, reply = await _send(hub.client(B), _padded(pki, B, original, "13 "), B, "status")
    assert (status_, reply["ErrorCode"]) == (400, "5.4.7"), reply
