"""The gateway dialect's bearer tokens in the PostgreSQL store (migration 008): shared by every
node, so a token one node issued is accepted by all (docs/gateway.md). Reads are the SQLite
mixin's (shared SQL through ``_read``); only the write differs."""

from __future__ import annotations

from axis.store.gateway_sqlite import GatewaySqlite, prune_before


class GatewayPostgres(GatewaySqlite):
    """Mixin of PostgresStore (Store protocol block "gateway")."""

    async def add_gateway_token(
        self, token_sha256: str, system_id: str, issued_at: str, expires_at: str
    ) -> None:
        async with self.transaction() as conn:
            await conn.execute(
                "DELETE FROM gateway_tokens WHERE expires_at < $1", prune_before(issued_at)
            )
            await conn.execute(
                "INSERT INTO gateway_tokens (token_sha256, system_id, issued_at, expires_at) "
                "VALUES ($1, $2, $3, $4)",
                token_sha256, system_id, issued_at, expires_at,
            )  # fmt: skip
