"""Console sessions and anti-forgery tokens (docs/console.md, docs/security.md).

A session is a row in the store (``console_sessions``): the browser's cookie holds a random
token and the row only its SHA-256, so a copy of the database logs nobody in, logout really
ends it, and every hub node on PostgreSQL knows it. Sessions expire ``console.session_ttl_s``
after login. The cookie is HttpOnly, SameSite=Strict, scoped to /console/ and Secure unless
``console.cookie_secure = false``. Every form carries the session's CSRF token (the login form:
a double-submit cookie, as there is no session yet); a POST without the matching token is
refused (5.8.16) before its handler runs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from datetime import UTC, datetime, timedelta

from aiohttp import web

from axis.config import ConsoleConfig
from axis.console.workday import store_time
from axis.store.base import Store
from axis.store.console_rows import Session

SESSION_COOKIE = "axis_console"
LOGIN_COOKIE = "axis_console_login"
PATH = "/console/"
# Failed logins per operator name before 4.8.1, and the window they are counted in.
MAX_FAILURES = 10
FAILURE_WINDOW_S = 900.0


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return bool(a) and hmac.compare_digest(a.encode(), b.encode())


def set_cookie(response: web.StreamResponse, cfg: ConsoleConfig, name: str, value: str,
               max_age: int) -> None:  # fmt: skip
    response.set_cookie(
        name, value, max_age=max_age, path=PATH, httponly=True, samesite="Strict",
        secure=cfg.cookie_secure,
    )  # fmt: skip


async def open_session(store: Store, cfg: ConsoleConfig, operator: str) -> str:
    """A new session for ``operator``; returns the cookie's token."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = now + timedelta(seconds=cfg.session_ttl_s)
    await store.open_session(
        token_hash(token), operator, secrets.token_urlsafe(24), store_time(now), store_time(expires)
    )
    return token


async def current(store: Store, request: web.Request) -> Session | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    return await store.find_session(token_hash(token), store_time(datetime.now(UTC)))


class LoginThrottle:
    """Failed logins per operator name in the last FAILURE_WINDOW_S (in process)."""

    def __init__(self) -> None:
        self.failures: dict[str, deque[float]] = {}

    def blocked_for(self, name: str) -> float:
        """Seconds until ``name`` may try again (0: now)."""
        recent = self._recent(name)
        if len(recent) < MAX_FAILURES:
            return 0.0
        return max(0.0, recent[0] + FAILURE_WINDOW_S - time.monotonic())

    def failed(self, name: str) -> None:
        self._recent(name).append(time.monotonic())

    def succeeded(self, name: str) -> None:
        self.failures.pop(name, None)

    def _recent(self, name: str) -> deque[float]:
        recent = self.failures.setdefault(name[:200], deque(maxlen=MAX_FAILURES))
        while recent and recent[0] < time.monotonic() - FAILURE_WINDOW_S:
            recent.popleft()
        return recent
