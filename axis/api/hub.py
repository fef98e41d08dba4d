"""What the API's handlers share for the daemon's life: built once at start, closed at stop.

Opens the store, loads the trust store and compiles the checker once (no per-request PKI or
schema reload), starts the worker thread pool, and wires the intake pipeline.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from axis.api.auth import Authenticator
from axis.api.body import prepare_spool
from axis.api.refusals import RefusalCounts
from axis.config import Config
from axis.directory import Directory
from axis.intake.check import Checker, load_trust, trust_dir_for
from axis.intake.env import Env
from axis.intake.pipeline import Pipeline
from axis.receipts import ReceiptSigner
from axis.store import open_store
from axis.store.base import Store


@dataclass
class Hub:
    cfg: Config
    store: Store
    directory: Directory
    auth: Authenticator
    pipeline: Pipeline
    receipts: ReceiptSigner
    executor: ThreadPoolExecutor
    spool_dir: Path  # request bodies above 1 MiB stream here (axis/api/body.py)
    refusals: RefusalCounts = field(default_factory=RefusalCounts)  # GET /stats

    @classmethod
    async def start(cls, cfg: Config) -> Hub:
        store = await open_store(cfg)
        executor = ThreadPoolExecutor(cfg.hub.workers, thread_name_prefix="axis-intake")
        directory = Directory(store)
        checker = Checker(cfg, load_trust(trust_dir_for(cfg)))
        env = Env(cfg, store, directory, checker, executor)
        key_dir = Path(cfg.hub.key_dir) if cfg.hub.key_dir else cfg.data_dir / "pki" / "hub"
        spool_dir = cfg.data_dir / "tmp"
        prepare_spool(spool_dir)
        return cls(
            cfg=cfg,
            store=store,
            directory=directory,
            auth=Authenticator(cfg, store),
            pipeline=Pipeline(env),
            receipts=ReceiptSigner.load(key_dir),
            executor=executor,
            spool_dir=spool_dir,
        )

    async def close(self) -> None:
        try:
            # No waiting here: a stuck worker must not block the stop (axis/api/serving.py).
            self.executor.shutdown(wait=False, cancel_futures=True)
        finally:
            await self.store.close()
