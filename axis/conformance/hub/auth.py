"""Authentication: the HMAC over sign-header, the timestamp window, replays
(docs/domain.md §6 "Every request")."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from axis.conformance.registry import case
from axis.conformance.target import Context
from axis.conformance.wire import PREFIX, hmac_hex, sdk_timestamp

CLAUSE = "docs/domain.md §6"
LIST = "getReceivedEdocList"
PARAMS = {"servicetype": "eDoc", "messagetype": "edoc"}


@case(
    "HUB-AUTH-001",
    "A wrong HMAC (hash-header) is refused",
    clause=CLAUSE,
    hint="Recompute HMAC-SHA256 over the exact received XroadVnpt-sign-header bytes with the system's secret and refuse a mismatch (axis: 5.8.1, HTTP 401).",
)
async def bad_hmac(ctx: Context) -> None:
    client = ctx.client(ctx.party("sender", keys=False))
    headers = client.signed_headers(PARAMS, secret=client.secret + "-wrong")
    ctx.refused(await client.post(LIST, headers), "5.8.1", "HMAC keyed with another secret")


@case(
    "HUB-AUTH-002",
    "An unknown system id is refused",
    clause=CLAUSE,
    hint="Refuse a systemid no system is registered under (axis: 5.8.2, HTTP 401).",
)
async def unknown_system(ctx: Context) -> None:
    client = ctx.client(ctx.party("sender", keys=False))
    original = client.system_id
    client.system_id = "99.99.W99"
    try:
        headers = client.signed_headers(PARAMS)
    finally:
        client.system_id = original
    ctx.refused(await client.post(LIST, headers), "5.8.2", "systemid 99.99.W99")


@case(
    "HUB-AUTH-003",
    "A timestamp outside the window (two hours old) is refused",
    clause=CLAUSE,
    hint="Read XroadVnpt-timestamp in the configured zone and refuse it outside the tolerance window (axis: 5.8.3, HTTP 401).",
)
async def stale(ctx: Context) -> None:
    client = ctx.client(ctx.party("sender", keys=False))
    old = sdk_timestamp(datetime.now() - timedelta(hours=2))
    headers = client.signed_headers(PARAMS, timestamp=old)
    ctx.refused(await client.post(LIST, headers), "5.8.3", "a timestamp two hours old")


@case(
    "HUB-AUTH-004",
    "A replayed request (same signed headers) is refused",
    clause=CLAUSE,
    hint="Remember each hash-header within the timestamp window and refuse a second use (axis: 5.8.4, HTTP 401).",
)
async def replay(ctx: Context) -> None:
    client = ctx.client(ctx.party("sender", keys=False))
    headers = client.signed_headers(PARAMS)
    ctx.accepted(await client.post(LIST, headers), "the first use")
    ctx.refused(await client.post(LIST, headers), "5.8.4", "the same signed headers again")


@case(
    "HUB-AUTH-005",
    "A parameter header that differs from the signed JSON is refused",
    clause=CLAUSE,
    hint="Check that every name in sign-header-key has an XroadVnpt-* header equal to its value in sign-header (axis: 5.8.5, HTTP 401).",
)
async def header_mismatch(ctx: Context) -> None:
    client = ctx.client(ctx.party("sender", keys=False))
    headers = client.signed_headers(PARAMS)
    headers[PREFIX + "messagetype"] = "status"
    ctx.refused(await client.post(LIST, headers), "5.8.5", "messagetype changed after signing")


@case(
    "HUB-AUTH-006",
    "A malformed timestamp is refused",
    clause=CLAUSE,
    hint="Accept only ddMMyyyyTHHmmss+NNNN and refuse anything else (axis: 5.8.9, HTTP 401).",
)
async def bad_timestamp(ctx: Context) -> None:
    client = ctx.client(ctx.party("sender", keys=False))
    stamp = datetime.now().strftime("%Y-%m-%dT%H:%M:%S")
    headers = client.signed_headers(PARAMS, timestamp=stamp)
    ctx.refused(await client.post(LIST, headers), "5.8.9", f"timestamp {stamp}")


@case(
    "HUB-AUTH-007",
    "A request without hash-header is refused",
    clause=CLAUSE,
    hint="Require systemid, timestamp, sign-header-key, sign-header and hash-header on every operation (axis: 5.1.4, HTTP 400).",
)
async def missing_hmac(ctx: Context) -> None:
    client = ctx.client(ctx.party("sender", keys=False))
    headers = client.signed_headers(PARAMS)
    del headers[PREFIX + "hash-header"]
    ctx.refused(await client.post(LIST, headers), "5.1.4", "no XroadVnpt-hash-header")


@case(
    "HUB-AUTH-008",
    "The HMAC covers the sign-header bytes as sent, not a re-serialisation",
    clause=CLAUSE,
    hint="Compute the HMAC over the received header value byte for byte: spacing in the JSON is the client's choice (the SDK writes it compact).",
)
async def exact_bytes(ctx: Context) -> None:
    client = ctx.client(ctx.party("sender", keys=False))
    headers = client.signed_headers(PARAMS)
    spaced = json.dumps(json.loads(headers[PREFIX + "sign-header"]), ensure_ascii=False)
    headers[PREFIX + "sign-header"] = spaced  # ", " and ": " instead of the compact form
    headers[PREFIX + "hash-header"] = hmac_hex(client.secret, spaced)
    ctx.accepted(await client.post(LIST, headers), "sign-header with spaces, HMAC over it")
