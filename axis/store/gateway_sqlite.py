"""The gateway dialect's store needs on SQLite: bearer tokens (axis/gateway/tokens.py, migration
008) and one province's units (GET donvilienthongs/<province>).

Part of axis/store (the only place with SQL). A token is kept as its SHA-256 only, with the
system it was issued to and its expiry; issuing one also deletes tokens that expired more than
EXPIRED_KEEP_S ago (so a recently expired token is still answered "expired", not "unknown").
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from axis.store.base import AgencyRow

# Seconds an expired token is still recognised (and answered 5.8.12 rather than 5.8.11).
EXPIRED_KEEP_S = 86400


def prune_before(issued_at: str) -> str:
    """Tokens that expired before this time are deleted when another is issued."""
    moment = datetime.fromisoformat(issued_at) - timedelta(seconds=EXPIRED_KEEP_S)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


class GatewaySqlite:
    """Mixin of SqliteStore (Store protocol block "gateway")."""

    def transaction(self) -> AbstractAsyncContextManager[Any]:
        raise NotImplementedError

    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    async def add_gateway_token(
        self, token_sha256: str, system_id: str, issued_at: str, expires_at: str
    ) -> None:
        async with self.transaction() as conn:
            await conn.execute(
                "DELETE FROM gateway_tokens WHERE expires_at < ?", (prune_before(issued_at),)
            )
            await conn.execute(
                "INSERT INTO gateway_tokens (token_sha256, system_id, issued_at, expires_at) "
                "VALUES (?, ?, ?, ?)",
                (token_sha256, system_id, issued_at, expires_at),
            )

    async def gateway_token(self, token_sha256: str) -> tuple[str, str] | None:
        """(system id, expires_at) of a token issued here, expired or not; None if unknown."""
        rows = await self._read(
            "SELECT system_id, expires_at FROM gateway_tokens WHERE token_sha256 = ?",
            (token_sha256,),
        )
        return (str(rows[0][0]), str(rows[0][1])) if rows else None

    async def list_unit_agencies(
        self, unit: str, limit: int | None = None, offset: int = 0
    ) -> list[AgencyRow]:
        """Agencies whose id ends in ``.<unit>`` (a province or central body, L##), by id."""
        page = " LIMIT ? OFFSET ?" if limit is not None else ""
        rows = await self._read(
            "SELECT id, pid, code, name, mail, mobile, fax, system_id, upstream FROM agencies "
            f"WHERE id LIKE ? ORDER BY id{page}",
            ("%." + unit, *((limit, offset) if limit is not None else ())),
        )
        return [AgencyRow(*row) for row in rows]
