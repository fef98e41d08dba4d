"""Connections before authentication (docs/security.md, Resource exhaustion).

Until a connection has carried one authenticated request, nobody is accountable for it, so
each peer address may hold only hub.max_unauthenticated_connections_per_peer such connections;
beyond that a new one is closed at once. Slow or never-finished request headers are closed by
aiohttp's keep-alive timer (hub.header_timeout_s): it runs from the connection's start and from
the end of each response, and does not restart on partial data. A connection that
authenticates (app.py calls ``authenticated``) leaves the peer's count: it is then the
system's, bounded by the system's share (limits.py).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

from aiohttp import web

from axis import logs

log = logs.get("axis.api")


class PeerGuard:
    """Counts unauthenticated connections per peer address and refuses those beyond the cap."""

    def __init__(self, per_peer: int) -> None:
        self.per_peer = per_peer
        self._peer_of: dict[asyncio.BaseTransport, str] = {}
        self._counts: Counter[str] = Counter()
        self.refused = 0
        self.open: set[_Guarded] = set()  # admitted connections not yet lost

    def mid_request(self) -> int:
        """Connections holding a request the hub has begun to read and not yet answered (a
        graceful stop waits for these too, not only for handlers already running)."""
        return sum(1 for connection in self.open if connection.mid_request())

    def admit(self, transport: asyncio.BaseTransport) -> bool:
        peer = _peer(transport)
        if self._counts[peer] >= self.per_peer:
            self.refused += 1
            if self.refused % 1000 == 1:  # a flood must not flood the log too
                log.warning("connection refused", peer=peer, unauthenticated=self._counts[peer],
                            refused_so_far=self.refused)  # fmt: skip
            return False
        self._counts[peer] += 1
        self._peer_of[transport] = peer
        return True

    def authenticated(self, transport: asyncio.BaseTransport | None) -> None:
        """The connection carried an authenticated request: no longer the peer's to count."""
        peer = self._peer_of.pop(transport, None) if transport is not None else None
        if peer is not None:
            self._counts[peer] -= 1
            if not self._counts[peer]:
                del self._counts[peer]

    released = authenticated  # connection closed: same bookkeeping

    def protocol_factory(self, inner: Callable[[], Any]) -> Callable[[], asyncio.Protocol]:
        return lambda: _Guarded(self, inner())


def _peer(transport: asyncio.BaseTransport) -> str:
    name = transport.get_extra_info("peername")
    return str(name[0]) if isinstance(name, tuple) else str(name)


class _Guarded(asyncio.Protocol):
    """aiohttp's protocol behind the guard: a refused connection never reaches aiohttp."""

    def __init__(self, guard: PeerGuard, inner: asyncio.Protocol) -> None:
        self.guard, self.inner = guard, inner
        self.transport: asyncio.BaseTransport | None = None
        self._partial = False  # the start of a request whose headers are still arriving

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self.guard.admit(transport):
            transport.abort()  # type: ignore[attr-defined]
            return
        self.transport = transport
        self.guard.open.add(self)
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        self.inner.data_received(data)
        # Bytes that neither completed a request nor belong to one being handled.
        self._partial = not _handling(self.inner)

    def mid_request(self) -> bool:
        return self._partial or _handling(self.inner)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.guard.open.discard(self)
            self.guard.released(self.transport)
            self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()


def _handling(protocol: asyncio.Protocol) -> bool:
    """aiohttp's RequestHandler has a request queued (headers complete) or being handled.
    These are private attributes (aiohttp 3.9+); tests/hub/test_shutdown.py holds them."""
    return bool(getattr(protocol, "_request_in_progress", False)) or bool(
        getattr(protocol, "_messages", ())
    )


class GuardedSite(web.BaseSite):
    """A TCP site whose connections pass the PeerGuard first (otherwise like web.TCPSite)."""

    def __init__(
        self,
        runner: web.BaseRunner,
        host: str,
        port: int,
        guard: PeerGuard,
        *,
        reuse_port: bool = False,  # serve --workers: sibling processes share the port
    ) -> None:
        super().__init__(runner)
        self.host, self.port, self.guard = host, port, guard
        self.reuse_port = reuse_port

    @property
    def name(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self.guard.protocol_factory(server), self.host, self.port,
            backlog=self._backlog, reuse_address=True, reuse_port=self.reuse_port or None,
        )  # fmt: skip
        self.port = self._server.sockets[0].getsockname()[1]
