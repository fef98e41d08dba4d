"""The sealer (and on PostgreSQL the chainer): daemon background tasks. The sealer that seals the chain's head every eventlog.seal_every_s.

Runs via ``Daemon.spawn`` on every node; on PostgreSQL the seal is taken under the chain lock,
so nodes never seal the same head twice (events_postgres.py). It seals once more when the hub
stops, so a clean stop leaves nothing unsealed. Without a hub key (hub.key_dir) there is
nothing to sign with: the hub says so once and the chain stays links-only.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from axis import logs
from axis.eventlog.seal import SealKey
from axis.receipts import ReceiptSigner
from axis.store.base import Store

log = logs.get("axis.eventlog")
# Seconds the final seal at stop may take.
FINAL_SEAL_S = 3.0


def seal_key(signer: ReceiptSigner, hub: str) -> SealKey | None:
    """The receipts' hub key as a seal key, or None when the hub has none."""
    if signer.key_pem is None or signer.cert_pem is None:
        return None
    return SealKey(signer.key_pem, signer.cert_pem, hub)


def signing(key: SealKey) -> Callable[[int, str, str], tuple[str, str, str]]:
    """The ``sign`` callback Store.seal_head takes."""

    def sign(seq: int, head_hash: str, at: str) -> tuple[str, str, str]:
        return key.sign(seq, head_hash, at), key.hub, key.cert_pem.decode()

    return sign


async def seal_once(store: Store, key: SealKey) -> None:
    seal = await store.seal_head(signing(key))
    if seal is not None:
        log.info("log sealed", seq=seal.seq, hash=seal.hash)


async def run(store: Store, key: SealKey, every_s: float) -> None:
    """Seal every ``every_s`` seconds until cancelled, then once more."""
    try:
        while True:
            await asyncio.sleep(every_s)
            try:
                await seal_once(store, key)
            except Exception as exc:  # the next period tries again; the sealer never dies
                log.warning("log not sealed", error=f"{type(exc).__name__}: {exc}")
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(seal_once(store, key), FINAL_SEAL_S)
        raise


async def run_chainer(store: Store, every_s: float) -> None:
    """PostgreSQL: link committed events every ``every_s`` seconds (events_postgres.py)."""
    while True:
        await asyncio.sleep(every_s)
        try:
            await store.chain_pending()
        except Exception as exc:  # the next period tries again; the chainer never dies
            log.warning("log not linked", error=f"{type(exc).__name__}: {exc}")
