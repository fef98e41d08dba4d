"""The gateway dialect (docs/gateway.md) on both store backends: every operation, over the same
pipeline and store as the SDK door (what one door accepts the other delivers), and its refusals
in the dialect's shape, logged and counted like the SDK door's."""

from __future__ import annotations

import asyncio
import base64

import aiohttp
from structlog.testing import capture_logs

from axis import config as config_mod
from axis.api.app import create_app, server_args
from tests.gateway.conftest import BASE, Door
from tests.hub.conftest import SECRETS, A, B, C, document, package_bytes, seed, status


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def test_an_sdk_send_is_listed_fetched_and_acknowledged_through_the_gateway(hub, pki) -> None:
    door = Door.of(hub)
    data = package_bytes(pki, document(B, (C,)))
    sent = await hub.client(B).send_edoc(data, B)
    token = await door.token(C)

    (row,) = await door.ok("GET", "/vanbans", token)
    assert set(row) == {"serviceType", "messageType", "docId", "from", "to", "status",
                        "statusDesc", "createdTime"}  # fmt: skip
    assert (row["from"], row["to"], row["messageType"], row["status"]) == (B, C, "edoc", "INITIAL")

    package = await door.ok("GET", f"/vanbans/{row['docId']}", token)
    assert base64.b64decode(package["content"]) == data
    assert (package["docId"], package["from"], package["to"]) == (row["docId"], B, C)
    (row,) = await door.ok("GET", "/vanbans", token)
    assert row["status"] == "PROCESSING"

    done = {"status": "DONE"}
    assert await door.ok("PUT", f"/vanbans/{row['docId']}", token, done) == {
        "docId": row["docId"], "status": "DONE"}  # fmt: skip
    assert await door.ok("GET", "/vanbans", token) == []
    await door.ok("PUT", f"/vanbans/{row['docId']}", token, done)  # a repeated DONE: OK
    await door.refused("PUT", f"/vanbans/{row['docId']}", token, "5.1.10", {"status": "FAIL"})
    (sent_row,) = (await hub.client(B).get_sent_list())["data"]
    assert (sent_row["senderDocId"], sent_row["sendStatus"]) == (sent["DocId"], "done")


async def test_processing_then_fail_with_a_reason_and_initial_is_the_hubs(hub, pki) -> None:
    door = Door.of(hub)
    await hub.client(B).send_edoc(package_bytes(pki, document(B, (C,))), B)
    token = await door.token(C)
    (row,) = await door.ok("GET", "/vanbans", token)
    path = f"/vanbans/{row['docId']}"
    await door.refused("PUT", path, token, "5.1.5", {"status": "INITIAL"})
    await door.refused("PUT", path, token, "5.1.4", {})
    await door.ok("PUT", path, token, {"status": "PROCESSING"})
    (row,) = await door.ok("GET", "/vanbans", token)
    assert row["status"] == "PROCESSING"
    await door.ok("PUT", path, token, {"status": "FAIL", "statusDesc": "kho lưu trữ đầy"})
    (row,) = await door.ok("GET", "/vanbans", token)
    assert (row["status"], row["statusDesc"]) == ("FAIL", "kho lưu trữ đầy")


async def test_a_gateway_send_is_delivered_over_the_sdk_and_a_retry_is_the_same_document(
    hub, pki
) -> None:
    door = Door.of(hub)
    original = document(B, (C,))
    data = package_bytes(pki, original)
    token = await door.token(B)
    sent = await door.ok(
        "POST", "/vanbans", token, {"type": "edoc", "from": B, "content": b64(data)}
    )
    assert sent["code"] == "2.0.0" and sent["docId"]
    again = await door.ok(
        "POST", "/vanbans", token, {"type": "edoc", "from": B, "content": b64(data)}
    )
    assert (again["docId"], again["code"]) == (sent["docId"], "2.6.1")

    (row,) = (await hub.client(C).get_received_list())["data"]
    fetched = await hub.client(C).get_edoc(row["docId"])
    assert base64.b64decode(fetched["data"]) == data

    # C answers with a status package through the gateway; B lists it there too
    token_c = await door.token(C)
    report = package_bytes(pki, status(C, original, "01"))
    await door.ok(
        "POST", "/vanbans", token_c, {"type": "status", "from": C, "content": b64(report)}
    )
    (row,) = await door.ok("GET", "/vanbans?type=status", token)
    assert (row["messageType"], row["from"], row["to"]) == ("status", C, B)


async def test_sends_the_pipeline_refuses_come_back_in_the_dialect_with_nothing_stored(
    hub, pki
) -> None:
    door = Door.of(hub)
    token = await door.token(B)
    data = package_bytes(pki, document(A, (C,)))
    before = await hub.store.count_documents()
    body = {"type": "edoc", "from": A, "content": b64(data)}
    await door.refused("POST", "/vanbans", token, "5.8.6", body)  # From not served by B's system
    body = {"type": "edoc", "from": B, "content": b64(data)}
    await door.refused("POST", "/vanbans", token, "5.8.6", body)  # the package's From is A
    await door.refused("POST", "/vanbans", token, "5.1.5", {**body, "content": "not base64!"})
    await door.refused("POST", "/vanbans", token, "5.1.5", {**body, "type": "fax"})
    await door.refused("POST", "/vanbans", token, "5.1.2", {**body, "content": ""})
    await door.refused("POST", "/vanbans", token, "5.1.4", {"content": b64(data)})
    await door.refused("POST", "/vanbans", token, "5.2.1", {**body, "content": b64(b"<a")})
    assert await hub.store.count_documents() == before


async def test_another_systems_delivery_is_answered_as_a_missing_one(hub, pki) -> None:
    door = Door.of(hub)
    await hub.client(B).send_edoc(package_bytes(pki, document(B, (C,))), B)
    (row,) = await door.ok("GET", "/vanbans", await door.token(C))
    stranger = await door.token(A)
    await door.refused("GET", f"/vanbans/{row['docId']}", stranger, "5.1.8")
    await door.refused("PUT", f"/vanbans/{row['docId']}", stranger, "5.1.8", {"status": "DONE"})
    await door.refused("GET", "/vanbans/no-such-id", stranger, "5.1.8")
    await door.refused("GET", "/vanbans?limit=-1", stranger, "5.1.5")


async def test_the_directory_lists_registers_and_unregisters_units(hub) -> None:
    door = Door.of(hub)
    token = await door.token(B)
    national = await door.ok("GET", "/donvilienthongs", token)
    assert {B, A, C} <= {unit["code"] for unit in national}
    assert set(national[0]) == {"code", "pcode", "name", "email", "fax", "mobile"}
    province = await door.ok("GET", "/donvilienthongs/qn", token)
    assert B in {u["code"] for u in province} and all(u["code"].endswith(".H47") for u in province)
    assert await door.ok("GET", "/donvilienthongs/H47", token) == province
    await door.refused("GET", "/donvilienthongs/atlantis", token, "5.1.5")

    unit = {"code": "000.99.31.H47", "pcode": B, "name": "UBND xã thử nghiệm",
            "email": "xa@example.vn", "fax": "", "mobile": "0900000000"}  # fmt: skip
    assert await door.ok("POST", "/donvilienthongs", token, unit) == {"code": unit["code"]}
    (listed,) = [u for u in await door.ok("GET", "/donvilienthongs/qn", token)
                 if u["code"] == unit["code"]]  # fmt: skip
    assert listed == unit
    await door.refused("POST", "/donvilienthongs", token, "5.5.4", unit)
    await door.refused(
        "POST", "/donvilienthongs", token, "5.8.10", {**unit, "code": "000.99.31.H41"}
    )
    await door.refused(
        "PUT", "/donvilienthongs", await door.token(A), "5.8.8", {"code": unit["code"]}
    )
    assert await door.ok("PUT", "/donvilienthongs", token, {"code": unit["code"]}) == {
        "code": unit["code"]}  # fmt: skip
    await door.refused("PUT", "/donvilienthongs", token, "5.5.5", {"code": unit["code"]})


async def test_tokens_are_refused_without_the_right_credentials(hub) -> None:
    door = Door.of(hub)
    system_b = "00.47.W00"
    status_, answer = await door.token_answer(system_b, "wrong secret")
    assert (status_, answer["errorCode"], answer["error"]) == (401, "5.8.13", "invalid_client")
    status_, answer = await door.token_answer("00.99.W00", "any")
    assert (status_, answer["errorCode"]) == (401, "5.8.13")
    status_, answer = await door.token_answer(system_b, SECRETS[system_b], grant="password")
    assert (status_, answer["errorCode"]) == (400, "5.1.5")
    status_, answer = await door.token_answer(system_b, SECRETS[system_b], basic=False)
    assert (status_, answer["token_type"], answer["expires_in"]) == (200, "Bearer", 3600)
    assert answer["data"]["access_token"] == answer["access_token"]

    status_, answer, headers = await door.raw("GET", "/vanbans", None)
    assert (status_, answer["errorCode"]) == (401, "5.8.11")
    assert headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    await door.refused("GET", "/vanbans", "made-up-token", "5.8.11")
    await door.refused("GET", "/nothing-here", answer["data"] or "x", "5.1.6")


async def test_an_expired_token_is_refused_5_8_12(aiohttp_server, hub_cfg) -> None:
    cfg = config_mod.replace(hub_cfg, "gateway", token_ttl_s=1)
    await seed(cfg)
    server = await aiohttp_server(create_app(cfg), **server_args(cfg))
    async with aiohttp.ClientSession() as session:
        door = Door(str(server.make_url("")).rstrip("/"), session)
        token = await door.token(B)
        await door.ok("GET", "/vanbans", token)
        await asyncio.sleep(1.2)
        answer = await door.refused("GET", "/vanbans", token, "5.8.12")
        assert "expired" in answer["errorDesc"]


async def test_refusals_are_logged_and_counted_like_the_sdk_doors(hub) -> None:
    door = Door.of(hub)
    token = await door.token(B)
    with capture_logs() as logs:
        await door.refused("GET", "/vanbans", "made-up-token", "5.8.11")
        await door.refused("POST", "/vanbans", token, "5.1.4", {"type": "edoc"})
    refused = [line for line in logs if line["event"] == "refused"]
    assert [line["code"] for line in refused] == ["5.8.11", "5.1.4"]
    assert refused[1]["system"] == "00.47.W00"
    assert not any(token in str(line) for line in logs)  # a bearer token is never logged
    async with hub.session.get(hub.endpoint + "/stats") as reply:
        counted = (await reply.json())["refused"]["by_code"]
    assert counted["5.8.11"] == 1 and counted["5.1.4"] == 1


async def test_a_token_one_node_issued_is_accepted_by_another(
    aiohttp_server, hub_cfg, store_backend
) -> None:
    """Two hub nodes on one store (on SQLite two apps on one file stand in for nodes; on
    PostgreSQL this is the real several-nodes set-up)."""
    await seed(hub_cfg)
    first = await aiohttp_server(create_app(hub_cfg), **server_args(hub_cfg))
    second = await aiohttp_server(create_app(hub_cfg), **server_args(hub_cfg))
    async with aiohttp.ClientSession() as session:
        token = await Door(str(first.make_url("")).rstrip("/"), session).token(C)
        other = Door(str(second.make_url("")).rstrip("/"), session)
        assert await other.ok("GET", "/vanbans", token) == []


def test_the_base_path_is_configurable() -> None:
    cfg = config_mod.replace(config_mod.Config(), "gateway", base_path="/lgsp/v2")
    paths = {r.canonical for r in create_app(cfg).router.resources()}
    assert {"/lgsp/v2", "/token"} <= paths and BASE not in paths
    off = config_mod.replace(config_mod.Config(), "gateway", enabled=False)
    assert "/token" not in {r.canonical for r in create_app(off).router.resources()}
