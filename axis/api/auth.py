"""Authentication of VXP SDK requests, exactly per docs/domain.md §6.

The first thing every operation passes (api -> auth -> handler). The SDK signs a compact JSON
of chosen headers (XroadVnpt-sign-header) with HMAC-SHA256 keyed by the system's secret
(XroadVnpt-hash-header). We verify the HMAC over the header value's exact received bytes
(request.raw_headers: no decode/re-encode can change what is hashed), then the signed values
(5.8.5), then the timestamp window (5.8.3/5.8.9), then replay (5.8.4).

Signed values (docs/security.md, docs/decisions.md): sign-header-key is not covered by the HMAC,
so it decides nothing. The operation sees only the values inside the signed JSON. Every
XroadVnpt-* parameter header must be inside it with the same bytes, every signed name must come
as a header too, and sign-header-key must list exactly the signed names: a parameter cannot be
slipped in unsigned, dropped from the signed set, or said twice. The real SDK signs every
parameter it sends (only XroadVnpt-version goes unsigned), so this costs it nothing.

Replay: the store records seen hash-header values for twice the timestamp window
(``Store.first_use``): in memory on single-process SQLite (a restart forgets them,
docs/decisions.md), in a table every node shares on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from axis.api.bounded import Unbounded, ascii_int, json_loads
from axis.config import Config
from axis.errors import Rejected
from axis.store.base import Store

PREFIX = b"xroadvnpt-"
TEXT_PREFIX = PREFIX.decode()
# Every request must sign at least these (without them the HMAC proves nothing about who or when).
MUST_SIGN = ("systemid", "timestamp")
# XroadVnpt-* headers that are not parameters: the signature itself, and the SDK's version.
NOT_PARAMETERS = frozenset({"sign-header", "sign-header-key", "hash-header", "version"})
# Secrets are cached this long (``axis systems rotate-secret`` runs in another process).
SECRET_TTL_S = 5.0


@dataclass(frozen=True)
class Caller:
    """An authenticated request: the system and its XroadVnpt-* parameters (lower-case names)."""

    system_id: str
    params: dict[str, str]

    def param(self, name: str) -> str:
        """A required parameter header; 5.1.4 naming it when absent or empty."""
        value = self.params.get(name.lower(), "")
        if not value:
            raise Rejected("5.1.4", f"XroadVnpt-{name} is required for this operation.")
        return value


def xroad_headers(raw_headers: tuple[tuple[bytes, bytes], ...], limit: int) -> dict[str, bytes]:
    """XroadVnpt-* headers, lower-case name without prefix -> exact value bytes; each once."""
    found: dict[str, bytes] = {}
    for name, value in raw_headers:
        lower = name.lower()
        if not lower.startswith(PREFIX):
            continue
        key = lower[len(PREFIX) :].decode("latin-1")
        if len(value) > limit:
            raise Rejected("5.1.7", f"XroadVnpt-{key} is {len(value)} bytes; the limit is {limit}.")
        if key in found:
            raise Rejected("5.8.5", f"XroadVnpt-{key} is sent more than once.")
        found[key] = value
    return found


def parse_timestamp(value: str, zone: ZoneInfo | None) -> datetime:
    """ddMMyyyyTHHmmss+NNNN (NNNN = milliseconds, not an offset; docs/domain.md §6) in ``zone``.

    Read by slicing, not strptime (which asks the locale on every call: 10.6 -> 4.3 us, on
    every request); datetime() refuses what strptime refused (day 31 of February, hour 24)."""
    if len(value) != 20 or value[8] != "T" or value[15] != "+":
        raise Rejected("5.8.9", f"Got {value!r}.")
    try:  # ASCII digits only: str.isdigit and int accept "²" and "١" (docs/security.md)
        ascii_int(value[:8] + value[9:15] + value[16:], 10**18)
        moment = datetime(
            int(value[4:8]), int(value[2:4]), int(value[0:2]),
            int(value[9:11]), int(value[11:13]), int(value[13:15]),
            min(int(value[16:]), 999) * 1000, tzinfo=zone,
        )  # fmt: skip
        # The hub's local zone; year 1 cannot be moved into it (ValueError, not a 500).
        return moment if zone else moment.astimezone()
    except (ValueError, OverflowError) as exc:
        raise Rejected("5.8.9", f"Got {value!r}.") from exc


class Authenticator:
    """Checks one request's XroadVnpt-* headers against the store's system secrets."""

    def __init__(
        self, cfg: Config, store: Store, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.store = store
        # The hub's "now" for the timestamp window (aware); tests replaying recorded requests
        # set it to the recording's time.
        self.clock = clock or (lambda: datetime.now(UTC))
        self.limit = cfg.intake.max_header_bytes
        self.window = timedelta(seconds=cfg.auth.timestamp_window_s)
        self.zone = ZoneInfo(cfg.auth.timezone) if cfg.auth.timezone else None
        self.replay_keep_s = 2.0 * cfg.auth.timestamp_window_s  # a timestamp may be early or late
        # system id -> (expiry, secret or None): a rotated secret applies within SECRET_TTL_S.
        self._secrets: dict[str, tuple[float, str | None]] = {}

    async def secret(self, system_id: str) -> str | None:
        now = time.monotonic()
        hit = self._secrets.get(system_id)
        if hit is not None and hit[0] > now:
            return hit[1]
        secret = await self.store.get_secret(system_id)
        if len(self._secrets) > 10_000:  # unknown ids must not grow this without bound
            self._secrets.clear()
        self._secrets[system_id] = (now + SECRET_TTL_S, secret)
        return secret

    async def authenticate(self, raw_headers: tuple[tuple[bytes, bytes], ...]) -> Caller:
        headers = xroad_headers(raw_headers, self.limit)
        for name in ("systemid", "sign-header", "hash-header", "sign-header-key", "timestamp"):
            if not headers.get(name):
                raise Rejected("5.1.4", f"XroadVnpt-{name} is missing.")
        system_id = headers["systemid"].decode("utf-8", "replace")
        secret = await self.secret(system_id)
        if secret is None:
            raise Rejected("5.8.2", f"XroadVnpt-systemid {system_id!r}.")
        expected = hmac.new(secret.encode(), headers["sign-header"], hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), headers["hash-header"].lower()):
            raise Rejected("5.8.1")
        params = signed_params(headers, self.limit)
        self._check_time(params["timestamp"])
        if not await self.store.first_use(
            headers["hash-header"].decode("latin-1").lower(), self.replay_keep_s
        ):
            raise Rejected("5.8.4")
        return Caller(system_id, params)

    def _check_time(self, value: str) -> None:
        moment = parse_timestamp(value, self.zone)
        hub_now = self.clock().astimezone(moment.tzinfo)
        if abs(hub_now - moment) > self.window:
            zone = self.zone.key if self.zone else "the hub's local zone"
            raise Rejected(
                "5.8.3",
                f"Timestamp {moment:%Y-%m-%d %H:%M:%S} read in {zone}; hub time is "
                f"{hub_now:%Y-%m-%d %H:%M:%S}; window ±{int(self.window.total_seconds())} s.",
            )


def signed_params(headers: dict[str, bytes], limit: int) -> dict[str, str]:
    """The request's parameters, taken from the signed JSON once it agrees with the headers."""
    params = _signed_json(headers["sign-header"], limit)
    listed = {n.strip().lower() for n in headers["sign-header-key"].decode("latin-1").split(";")}
    if listed - {""} != params.keys():
        raise Rejected("5.8.5", "XroadVnpt-sign-header-key must list exactly the signed names.")
    for required in MUST_SIGN:
        if required not in params:
            raise Rejected("5.8.5", f"XroadVnpt-{required} must be signed.")
    for name in headers.keys() - NOT_PARAMETERS - params.keys():
        raise Rejected("5.8.5", f"XroadVnpt-{name} is not signed; sign every parameter sent.")
    for name, value in params.items():
        if headers.get(name) != value.encode("utf-8"):
            raise Rejected(
                "5.8.5", f"XroadVnpt-{name} differs from its signed value or is missing."
            )
    return params


def _signed_json(sign_header: bytes, limit: int) -> dict[str, str]:
    """sign-header as lower-case parameter name -> value: a flat object of XroadVnpt-* strings."""
    try:
        signed = json_loads(sign_header, limit)
    except Unbounded as exc:
        raise Rejected("5.8.5", f"XroadVnpt-sign-header: {exc}.") from exc
    if not isinstance(signed, dict):
        raise Rejected("5.8.5", "XroadVnpt-sign-header is not a JSON object.")
    params: dict[str, str] = {}
    for key, value in signed.items():
        lower = key.lower()
        name = lower[len(PREFIX) :]
        if not lower.startswith(TEXT_PREFIX) or not isinstance(value, str):
            raise Rejected("5.8.5", f"Signed {key!r}: only XroadVnpt-* names with text values.")
        if name in params or name in NOT_PARAMETERS:
            raise Rejected("5.8.5", f"Signed {key!r}: twice, or not a parameter.")
        params[name] = value
    return params
