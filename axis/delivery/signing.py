"""How a pushed request is signed by the hub and verified by the endpoint (docs/api.md, Push).

The SDK's HMAC scheme (docs/domain.md §6) in reverse: the hub signs with the receiving
system's own secret, so an endpoint that already holds its secret for the SDK needs nothing
new. Every parameter travels in an ``XroadVnpt-*`` header and inside the compact JSON of
``XroadVnpt-sign-header``; ``XroadVnpt-hash-header`` is its HMAC-SHA256 (lowercase hex).
The signed parameters: ``systemid`` (the receiving system), ``docid`` (the delivery id, what
pull would list), ``to`` (the recipient agency), ``messagetype``, ``attempt``, ``hash-file`` (the body's
SHA-256 in plain lowercase hex) and ``timestamp`` (the SDK's format, in UTC); ``from`` (the
sending agency) when known. The endpoint
checks the HMAC over the header's exact bytes, that every parameter header equals its signed
value, the timestamp window, and the body against hash-file; a replayed request can only
deliver the same package again, which the endpoint stores once (idempotent by DocumentId).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from axis.api.auth import parse_timestamp, signed_params, xroad_headers
from axis.errors import Rejected

PREFIX = "XroadVnpt-"
SIGNED = ("systemid", "docid", "to", "messagetype", "attempt", "hash-file", "timestamp")
WINDOW_S = 300.0
MAX_HEADER = 8192


def push_timestamp(moment: datetime) -> str:
    """``ddMMyyyyTHHmmss+NNNN`` (NNNN milliseconds) of ``moment`` in UTC."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%d%m%YT%H%M%S") + f"+{moment.microsecond // 1000:04d}"


def sign_push(secret: str, params: Mapping[str, str], moment: datetime) -> dict[str, str]:
    """The request headers for one push: parameters, sign-header, its HMAC. Parameters beyond
    SIGNED (``from``: the sending agency) are signed too."""
    signed = {PREFIX + name: params[name] for name in SIGNED if name != "timestamp"}
    signed.update({PREFIX + k: v for k, v in params.items() if k not in SIGNED})
    signed[PREFIX + "timestamp"] = push_timestamp(moment)
    sign_header = json.dumps(signed, separators=(",", ":"), ensure_ascii=False)
    digest = hmac.new(secret.encode(), sign_header.encode(), hashlib.sha256).hexdigest()
    return {
        **signed,
        PREFIX + "sign-header-key": ";".join(name[len(PREFIX) :] for name in signed),
        PREFIX + "sign-header": sign_header,
        PREFIX + "hash-header": digest,
    }


class PushRefused(Exception):
    """Why an endpoint refuses a push request, with the HTTP status to answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def verify_push(
    raw_headers: tuple[tuple[bytes, bytes], ...],
    system_id: str,
    secret: str,
    now: datetime | None = None,
) -> dict[str, str]:
    """The signed parameters of a push request meant for ``system_id``, or PushRefused (401).

    The body is checked separately against ``hash-file`` (check_body)."""
    try:
        headers = xroad_headers(raw_headers, MAX_HEADER)
        for name in ("sign-header", "hash-header", "sign-header-key"):
            if not headers.get(name):
                raise PushRefused(401, f"XroadVnpt-{name} is missing")
        expected = hmac.new(secret.encode(), headers["sign-header"], hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), headers["hash-header"].lower()):
            raise PushRefused(401, "XroadVnpt-hash-header is not the HMAC with our secret")
        params = signed_params(headers, MAX_HEADER)
        moment = parse_timestamp(params["timestamp"], ZoneInfo("UTC"))
    except Rejected as exc:
        raise PushRefused(401, f"{exc.code.code} {exc.reason}") from exc
    missing = [name for name in SIGNED if not params.get(name)]
    if missing:
        raise PushRefused(401, f"not signed: {', '.join(missing)}")
    if params["systemid"] != system_id:
        raise PushRefused(401, f"signed for system {params['systemid']!r}, we are {system_id!r}")
    if abs((now or datetime.now(UTC)) - moment) > timedelta(seconds=WINDOW_S):
        raise PushRefused(401, f"timestamp {params['timestamp']} is outside ±{WINDOW_S:.0f} s")
    return params


def check_body(params: Mapping[str, str], body: bytes) -> None:
    """The body is the package the hub signed for (hash-file), else PushRefused (400)."""
    if not hmac.compare_digest(hashlib.sha256(body).hexdigest(), params["hash-file"].lower()):
        raise PushRefused(400, "the body does not match XroadVnpt-hash-file")
