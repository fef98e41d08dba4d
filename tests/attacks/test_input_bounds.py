"""Inputs that used to reach a 500: non-ASCII digits, huge paging numbers, deeply nested JSON.

Each is a class (docs/security.md, Resource exhaustion): every number the API reads from a
header is parsed as ASCII digits within a bound, and every JSON it parses (bodies and the
signed sign-header) has its depth and size bounded before parsing.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from tests.attacks.helpers import assert_fail, healthy
from tests.hub.conftest import SECRETS, SYSTEM_OF, A, B
from tests.support.vxp_client import PREFIX, sdk_timestamp


@pytest.mark.parametrize("millis", ["²²²²", "١٢٣٤", "+123", " 123", "1_23"])
async def test_a_timestamp_with_non_ascii_digits_is_refused_5_8_9(hub, millis) -> None:
    stamp = sdk_timestamp()[:16] + millis
    stamp = stamp[:20] if len(stamp) > 20 else stamp
    status, payload = await hub.client(A).call("getReceivedEdocList", {}, timestamp=stamp)
    assert_fail((status, payload), "5.8.9")


@pytest.mark.parametrize(
    "params",
    [
        {"limit": str(2**64)},
        {"offset": str(2**64)},
        {"limit": "1" * 400},
        {"limit": "١٢"},
        {"offset": "²"},
        {"limit": "1_0"},
    ],
)
@pytest.mark.parametrize("operation", ["getReceivedEdocList", "getSentEdocList", "getAgenciesList"])
async def test_paging_numbers_out_of_bounds_are_refused_5_1_5(hub, operation, params) -> None:
    assert_fail(await hub.client(A).call(operation, params), "5.1.5")
    assert await healthy(hub)


async def test_paging_at_the_bound_still_answers(hub) -> None:
    status, payload = await hub.client(B).call(
        "getReceivedEdocList", {"limit": "1000000", "offset": str(2**31 - 1)}
    )
    assert (status, payload["status"], payload["data"]) == (200, "OK", [])


@pytest.mark.parametrize("operation", ["registerAgency", "deleteAgency"])
@pytest.mark.parametrize("depth", [100, 5000, 30000])
async def test_deeply_nested_json_bodies_are_refused_5_1_5(hub, operation, depth) -> None:
    body = b"[" * depth + b"]" * depth
    assert_fail(await hub.client(A).call(operation, {}, body), "5.1.5")
    nested_object = ('{"a":' * depth + "1" + "}" * depth).encode()
    assert_fail(await hub.client(A).call(operation, {}, nested_object[: 64 * 1024]), "5.1.5")
    assert await healthy(hub)


async def test_a_deeply_nested_sign_header_is_refused_5_8_5(hub) -> None:
    system = SYSTEM_OF[A]
    sign_header = '{"XroadVnpt-systemid":"' + system + '","x":' + "[" * 3000 + "]" * 3000 + "}"
    digest = hmac.new(SECRETS[system].encode(), sign_header.encode(), hashlib.sha256).hexdigest()
    headers = {
        PREFIX + "systemid": system,
        PREFIX + "timestamp": sdk_timestamp(),
        PREFIX + "sign-header-key": "systemid;timestamp",
        PREFIX + "sign-header": sign_header,
        PREFIX + "hash-header": digest,
    }
    async with hub.session.post(f"{hub.endpoint}/getSentEdocList", headers=headers) as reply:
        assert_fail((reply.status, json.loads(await reply.read())), "5.8.5")
