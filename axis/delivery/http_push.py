"""The ``http-push`` delivery adapter: POST each package to the endpoint's URL, signed.

Registered as entry point ``http-push`` in the group ``axis.delivery`` (pyproject.toml).
Settings (``[delivery.systems."ID"]``): ``url`` (required, http or https), ``secret`` (the
key that signs; default: the system's SDK secret, filled in by the queue manager),
``timeout_s`` (default 60). The request: the package's exact stored bytes as the body, headers
signed as axis/delivery/signing.py says, ``hash-file`` computed over the bytes sent and ``from``
the sending agency. The endpoint answers only after its own commit:
2xx delivered; 408, 429, 5xx and network errors temporary (Retry-After honoured); any other
4xx permanent (docs/delivery.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import aiohttp

from axis.delivery import Outbound, Outcome, Result
from axis.delivery.signing import sign_push
from axis.errors import ConfigError

TEMPORARY_4XX = frozenset({408, 429})
# Bodies up to this size are sent in one piece; larger ones stream from the store.
INLINE_UP_TO = 4 << 20


class HttpPushAdapter:
    name: ClassVar[str] = "http-push"

    def __init__(self, system_id: str, url: str, secret: str, timeout_s: float) -> None:
        self.system_id = system_id
        self.url = url
        self._secret = secret
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> HttpPushAdapter:
        known = {"mode", "adapter", "system_id", "url", "secret", "timeout_s"}
        unknown = set(settings) - known
        where = f"delivery.systems.{settings.get('system_id', '?')}"
        if unknown:
            raise ConfigError(f"{where}: unknown keys {sorted(unknown)} for http-push")
        url = settings.get("url")
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise ConfigError(f"{where}.url must be an http:// or https:// URL, got {url!r}")
        timeout = settings.get("timeout_s", 60.0)
        if not isinstance(timeout, int | float) or timeout <= 0:
            raise ConfigError(f"{where}.timeout_s must be seconds > 0")
        secret = settings.get("secret", "")
        if not isinstance(secret, str):
            raise ConfigError(f"{where}.secret must be text")
        return cls(str(settings.get("system_id", "")), url, secret, float(timeout))

    async def deliver(self, item: Outbound) -> Result:
        if not self._secret:
            return Result(Outcome.PERMANENT, f"no secret to sign with for system {item.route}")
        body, digest = await _body(item)
        params = {
            "systemid": item.route,
            "docid": item.delivery_id,
            "to": item.agency,
            "messagetype": item.message_type,
            "attempt": str(item.attempt),
            "hash-file": digest,
        }
        if item.from_agency:
            params["from"] = item.from_agency
        headers = sign_push(self._secret, params, datetime.now(UTC))
        headers["Content-Type"] = "application/octet-stream"
        try:
            async with self._client().post(self.url, data=body, headers=headers) as reply:
                text = (await reply.content.read(1000)).decode("utf-8", "replace")
                return self.classify(reply.status, text, reply.headers.get("Retry-After"))
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return Result(Outcome.TEMPORARY, f"no answer from {self.url}: {exc!r}"[:500])

    def classify(self, status: int, text: str, retry_after: str | None) -> Result:
        return classify(status, text, retry_after)

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


async def _body(item: Outbound) -> tuple[Any, str]:
    """The body to send and the SHA-256 it is signed with: always of the bytes actually sent
    (a package that came through another hub is stored with this hub's TraceHeader, so the
    stored hash of the received bytes would not match). A large one is read twice, in chunks."""
    if item.size <= INLINE_UP_TO:
        data = await item.read()
        return data, hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    async for piece in item.chunks():
        digest.update(piece)
    return item.chunks(), digest.hexdigest()


def classify(status: int, text: str, retry_after: str | None) -> Result:
    """An HTTP answer as an Outcome (docs/delivery.md)."""
    detail = f"HTTP {status}: {text.strip()}"[:500]
    if 200 <= status < 300:
        return Result(Outcome.DELIVERED, detail)
    wait = _seconds(retry_after)
    if status in TEMPORARY_4XX or status >= 500:
        return Result(Outcome.TEMPORARY, detail, wait)
    return Result(Outcome.PERMANENT, detail)


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: the schedule decides
