"""OAuth2 client credentials for the gateway dialect (docs/gateway.md, Authentication).

``POST <token_path>`` with ``grant_type=client_credentials`` and the connected system's id and
secret (HTTP Basic, or ``client_id`` / ``client_secret`` form fields: the two ways RFC 6749
§2.3.1 allows) answers an opaque bearer token: 32 random bytes, valid ``gateway.token_ttl_s``.
The store keeps only its SHA-256 with the system and the expiry, so every hub node on one
PostgreSQL database accepts a token another node issued, and a copy of the table grants
nothing. Checked tokens are remembered in memory until they expire (a token is never withdrawn
earlier: docs/decisions.md), so a request costs one store read per token, not one per request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

from aiohttp import web

from axis.api.body import read_limited
from axis.api.refusals import CALLER_SYSTEM
from axis.daemon import Daemon
from axis.errors import Rejected

# A token request is a short form; anything longer is not one.
FORM_LIMIT = 8 * 1024
# Remembered checked tokens (hash -> system, expiry); cleared whole beyond this many.
CACHE_LIMIT = 10_000


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")  # the store's time format


class Tokens:
    """Issues and checks bearer tokens over the Daemon's store."""

    def __init__(self, ttl_s: int) -> None:
        self.ttl_s = ttl_s
        self._checked: dict[str, tuple[str, float]] = {}  # hash -> (system, monotonic expiry)

    async def issue(self, daemon: Daemon, request: web.Request) -> tuple[str, str]:
        """(token, system id) for a valid client-credentials request, else the refusal."""
        client_id, client_secret = await _credentials(request)
        secret = await daemon.auth.secret(client_id)
        if secret is None or not hmac.compare_digest(secret.encode(), client_secret.encode()):
            raise Rejected("5.8.13", f"client_id {client_id[:64]!r}.")
        token = secrets.token_urlsafe(32)
        issued = datetime.now(UTC)
        expires = issued + timedelta(seconds=self.ttl_s)
        await daemon.store.add_gateway_token(digest(token), client_id, _iso(issued), _iso(expires))
        return token, client_id

    async def system_of(self, daemon: Daemon, request: web.Request) -> str:
        """The system a request's bearer token was issued to; 5.8.11 / 5.8.12 otherwise."""
        token = _bearer(request)
        key = digest(token)
        hit = self._checked.get(key)
        if hit is not None and hit[1] > time.monotonic():
            system_id = hit[0]
        else:
            system_id = await self._from_store(daemon, key)
        request[CALLER_SYSTEM] = system_id
        return system_id

    async def _from_store(self, daemon: Daemon, key: str) -> str:
        found = await daemon.store.gateway_token(key)
        if found is None:
            raise Rejected("5.8.11", "The token is unknown here (or expired long ago).")
        system_id, expires_at = found
        left = (datetime.fromisoformat(expires_at) - datetime.now(UTC)).total_seconds()
        if left <= 0:
            raise Rejected("5.8.12", f"It expired at {expires_at}.")
        if len(self._checked) >= CACHE_LIMIT:
            self._checked.clear()
        self._checked[key] = (system_id, time.monotonic() + left)
        return system_id


def _bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Rejected("5.8.11", "Send the header Authorization: Bearer <access_token>.")
    return token.strip()


async def _credentials(request: web.Request) -> tuple[str, str]:
    """grant_type=client_credentials and the client's id and secret (Basic or form)."""
    raw = await read_limited(request, FORM_LIMIT)
    try:
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), strict_parsing=False).items()}
    except UnicodeDecodeError as exc:
        raise Rejected("5.1.5", "The token request must be a UTF-8 form.") from exc
    grant = form.get("grant_type", "")
    if grant != "client_credentials":
        raise Rejected("5.1.5", f"grant_type must be client_credentials, got {grant[:40]!r}.")
    basic = _basic(request.headers.get("Authorization", ""))
    client_id, client_secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
    if not client_id or not client_secret:
        raise Rejected("5.8.13", "Give client_id and client_secret (HTTP Basic or form fields).")
    return client_id, client_secret


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise Rejected("5.8.13", "The Basic credentials are not base64 of id:secret.") from exc
    client_id, sep, client_secret = decoded.partition(":")
    return (client_id, client_secret) if sep else None
