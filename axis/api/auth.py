"""Authentication of VXP SDK requests, exactly per docs/domain.md §6.

The first thing every operation passes (api -> auth -> handler). The SDK signs a compact JSON
of chosen headers (XroadVnpt-sign-header) with HMAC-SHA256 keyed by the system's secret
(XroadVnpt-hash-header). We verify the HMAC over the header value's exact received bytes
(request.raw_headers: no decode/re-encode can change what is hashed), then that every name in
sign-header-key has a real XroadVnpt-* header equal to the value inside the JSON (5.8.5), then
the timestamp window (5.8.3/5.8.9), then replay (5.8.4).

Replay cache trade-off (docs/decisions.md): the seen hash-header values live in memory for the
timestamp window. A restart forgets them, so a request captured in the last window minutes
before a restart could be replayed once after it; a second hub process would not share them.
Accepted for a single daemon; a shared store table is the fix if hubs are ever replicated.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from axis.config import Config
from axis.errors import Rejected
from axis.store.base import Store

PREFIX = b"xroadvnpt-"
# Every request must sign at least these (without them the HMAC proves nothing about who or when).
MUST_SIGN = ("systemid", "timestamp")
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


class ReplayCache:
    """hash-header values seen within the timestamp window (in memory, see module docstring).

    Kept compactly, because its size is the request rate times twice the window: the first 16
    bytes of each HMAC (about 60 bytes a request, not ~250 for a string in a dict), in sets of
    BUCKET_S seconds each, dropped whole once older than twice the window.
    """

    BUCKET_S = 10.0

    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.keep_s = 2 * window_s  # a timestamp may be up to one window old or ahead
        self.clock = clock
        self._buckets: deque[tuple[float, set[bytes]]] = deque()

    def check_and_add(self, key: str) -> None:
        now = self.clock()
        while self._buckets and self._buckets[0][0] + self.BUCKET_S <= now - self.keep_s:
            self._buckets.popleft()
        digest = bytes.fromhex(key)[:16]  # key: the verified HMAC, 64 hex digits
        if any(digest in seen for _, seen in self._buckets):
            raise Rejected("5.8.4")
        if not self._buckets or self._buckets[-1][0] + self.BUCKET_S <= now:
            self._buckets.append((now, set()))
        self._buckets[-1][1].add(digest)

    def __len__(self) -> int:
        return sum(len(seen) for _, seen in self._buckets)


def xroad_headers(raw_headers: tuple[tuple[bytes, bytes], ...], limit: int) -> dict[str, bytes]:
    """XroadVnpt-* headers, lower-case name without prefix -> exact value bytes (first wins)."""
    found: dict[str, bytes] = {}
    for name, value in raw_headers:
        lower = name.lower()
        if not lower.startswith(PREFIX):
            continue
        key = lower[len(PREFIX) :].decode("latin-1")
        if len(value) > limit:
            raise Rejected("5.1.7", f"XroadVnpt-{key} is {len(value)} bytes; the limit is {limit}.")
        found.setdefault(key, value)
    return found


def parse_timestamp(value: str, zone: ZoneInfo | None) -> datetime:
    """ddMMyyyyTHHmmss+NNNN (NNNN = milliseconds, not an offset; docs/domain.md §6) in ``zone``."""
    if len(value) != 20 or value[8] != "T" or value[15] != "+" or not value[16:].isdigit():
        raise Rejected("5.8.9", f"Got {value!r}.")
    try:
        moment = datetime.strptime(value[:15], "%d%m%YT%H%M%S")
    except ValueError as exc:
        raise Rejected("5.8.9", f"Got {value!r}.") from exc
    moment = moment.replace(microsecond=min(int(value[16:]), 999) * 1000)
    return moment.replace(tzinfo=zone) if zone else moment.astimezone()


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
        self.replays = ReplayCache(cfg.auth.timestamp_window_s)
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
        params = {k: v.decode("utf-8", "replace") for k, v in headers.items()}
        system_id = params["systemid"]
        secret = await self.secret(system_id)
        if secret is None:
            raise Rejected("5.8.2", f"XroadVnpt-systemid {system_id!r}.")
        expected = hmac.new(secret.encode(), headers["sign-header"], hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), headers["hash-header"].lower()):
            raise Rejected("5.8.1")
        _check_signed_names(headers)
        self._check_time(params["timestamp"])
        self.replays.check_and_add(params["hash-header"].lower())
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


def _check_signed_names(headers: dict[str, bytes]) -> None:
    """Each sign-header-key name: present in the signed JSON and equal to its real header."""
    try:
        signed = json.loads(headers["sign-header"])
    except ValueError as exc:
        raise Rejected("5.8.5", "XroadVnpt-sign-header is not JSON.") from exc
    if not isinstance(signed, dict):
        raise Rejected("5.8.5", "XroadVnpt-sign-header is not a JSON object.")
    signed_lower = {str(k).lower(): v for k, v in signed.items()}
    names = [
        n.strip() for n in headers["sign-header-key"].decode("latin-1").split(";") if n.strip()
    ]
    for required in MUST_SIGN:
        if required not in (n.lower() for n in names):
            raise Rejected("5.8.5", f"{required} must be listed in XroadVnpt-sign-header-key.")
    for name in names:
        inside = signed_lower.get("xroadvnpt-" + name.lower())
        actual = headers.get(name.lower())
        if not isinstance(inside, str) or actual is None or inside.encode("utf-8") != actual:
            raise Rejected("5.8.5", f"XroadVnpt-{name}.")
