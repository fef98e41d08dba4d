"""Authentication per docs/domain.md §6: HMAC, signed-header match, timestamp window, replay.

Each refusal answers JSON FAIL with its catalogue code and HTTP status, and stores nothing.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from tests.hub.conftest import A, B, document, package_bytes
from tests.support.vxp_client import VxpClient, java_hex_sha256


async def _post(
    hub, operation: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict]:
    async with hub.session.post(f"{hub.endpoint}/{operation}", data=body, headers=headers) as r:
        return r.status, await r.json(content_type=None)


def _assert_fail(status: int, payload: dict, code: str, http: int) -> None:
    assert (status, payload["status"], payload["ErrorCode"]) == (http, "FAIL", code), payload
    assert payload["ErrorDesc"]


async def test_a_correctly_signed_request_is_answered_ok(hub) -> None:
    reply = await hub.client(B).count_receive("edoc")
    assert (reply["status"], reply["ErrorCode"], reply["count"]) == ("OK", "0", 0)


async def test_wrong_secret_is_refused_5_8_1(hub) -> None:
    client = hub.client(B, secret="not-the-secret")
    status, payload = await client.call("getReceivedEdocList", {"messagetype": "edoc"})
    _assert_fail(status, payload, "5.8.1", 401)


async def test_unknown_system_is_refused_5_8_2(hub) -> None:
    client = VxpClient(hub.endpoint, "00.99.W00", "whatever", session=hub.session)
    status, payload = await client.call("getReceivedEdocList", {"messagetype": "edoc"})
    _assert_fail(status, payload, "5.8.2", 401)


async def test_stale_timestamp_is_refused_5_8_3(hub) -> None:
    client = hub.client(B)
    client.clock = lambda: datetime.now() - timedelta(hours=1)
    status, payload = await client.call("getReceivedEdocList", {"messagetype": "edoc"})
    _assert_fail(status, payload, "5.8.3", 401)
    assert "window" in payload["ErrorDesc"]


async def test_future_timestamp_is_refused_5_8_3(hub) -> None:
    client = hub.client(B)
    client.clock = lambda: datetime.now() + timedelta(minutes=10)
    status, payload = await client.call("countReceiveEdoc")
    _assert_fail(status, payload, "5.8.3", 401)


async def test_malformed_timestamp_is_refused_5_8_9(hub) -> None:
    status, payload = await hub.client(B).call("countReceiveEdoc", timestamp="2026-11-23T10:00:00")
    _assert_fail(status, payload, "5.8.9", 401)


async def test_replayed_signed_header_is_refused_5_8_4(hub) -> None:
    headers = hub.client(B).signed_headers({"messagetype": "edoc"}, "application/json")
    first = await _post(hub, "countReceiveEdoc", headers)
    assert first[1]["status"] == "OK"
    status, payload = await _post(hub, "countReceiveEdoc", headers)
    _assert_fail(status, payload, "5.8.4", 401)


async def test_a_signed_header_that_differs_from_the_real_header_is_refused_5_8_5(hub) -> None:
    headers = hub.client(B).signed_headers({"messagetype": "edoc"}, "application/json")
    headers["XroadVnpt-messagetype"] = "status"  # the signed JSON still says edoc
    status, payload = await _post(hub, "getReceivedEdocList", headers)
    _assert_fail(status, payload, "5.8.5", 401)


async def test_an_overlong_header_is_refused_5_1_7(hub) -> None:
    headers = hub.client(B).signed_headers({"messagetype": "edoc" + "x" * 9000}, "application/json")
    status, payload = await _post(hub, "getReceivedEdocList", headers)
    _assert_fail(status, payload, "5.1.7", 431)


async def test_hash_file_in_the_java_unpadded_form_and_the_64_digit_form_are_both_accepted(
    hub, pki
) -> None:
    for form in (java_hex_sha256, lambda d: hashlib.sha256(d).hexdigest()):
        data = package_bytes(pki, document(A, (B,)))
        params = {"servicetype": "eDoc", "messagetype": "edoc", "from": A, "hash-file": form(data)}
        status, payload = await hub.client(A).call(
            "sendEdoc", params, data, "application/octet-stream"
        )
        assert (status, payload["status"]) == (200, "OK"), payload


async def test_a_hash_file_that_does_not_match_the_body_is_refused_5_1_3(hub, pki) -> None:
    data = package_bytes(pki, document(A, (B,)))
    params = {"servicetype": "eDoc", "messagetype": "edoc", "from": A, "hash-file": "ab" * 32}
    status, payload = await hub.client(A).call("sendEdoc", params, data, "application/octet-stream")
    _assert_fail(status, payload, "5.1.3", 400)
    assert await hub.store.count_documents() == 0


async def test_an_unknown_operation_is_refused_5_1_6(hub) -> None:
    status, payload = await hub.client(B).call("getEverything")
    _assert_fail(status, payload, "5.1.6", 404)


async def test_healthz_answers_without_authentication(hub) -> None:
    async with hub.session.get(f"{hub.endpoint}/healthz") as reply:
        assert reply.status == 200
        assert (await reply.json())["status"] == "OK"


# What strptime("%d%m%YT%H%M%S") made of each, before the timestamp was read by slicing.
TIMESTAMPS = {
    "23112026T100000+0123": datetime(2026, 11, 23, 10, 0, 0, 123000),
    "29022024T235959+9999": datetime(2024, 2, 29, 23, 59, 59, 999000),
    "01010001T000000+0000": datetime(1, 1, 1, 0, 0, 0),
    "29022026T100000+0000": None,  # not a leap year
    "31042026T100000+0000": None,
    "23112026T240000+0000": None,
    "23112026T106000+0000": None,
    "23112026T100060+0000": None,
    "00112026T100000+0000": None,
    "23002026T100000+0000": None,
    "23110000T100000+0000": None,
    "2311２026T100000+0000": None,  # a full-width digit: int() would read it
    "23112026T10000²+0000": None,
    "23112026T100000+00-1": None,
    "23112026 100000+0000": None,
    "23112026T100000-0000": None,
}


def test_the_timestamp_reads_as_strptime_read_it_and_refuses_what_it_refused() -> None:
    from zoneinfo import ZoneInfo

    import pytest

    from axis.api.auth import parse_timestamp
    from axis.errors import Rejected

    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    for text, expected in TIMESTAMPS.items():
        if expected is None:
            with pytest.raises(Rejected) as refused:
                parse_timestamp(text, zone)
            assert refused.value.code.code == "5.8.9", text
        else:
            assert parse_timestamp(text, zone) == expected.replace(tzinfo=zone), text
            try:  # no configured zone: the hub's local one, which year 1 cannot be moved into
                local = expected.astimezone()
            except (ValueError, OverflowError):
                with pytest.raises(Rejected):
                    parse_timestamp(text, None)
            else:
                assert parse_timestamp(text, None) == local, text
