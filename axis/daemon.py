"""The daemon: builds every long-lived part of a running hub once, and stops them cleanly.

One place wires the store, the directory, the checker (trust store and schemas loaded once, no
per-request reload), the intake pipeline, the receipt signer and the worker thread pool, and
owns the background tasks (``Daemon.spawn``: the bridge, the queue manager and the log sealer
run there) with a clean start and stop. ``axis/api/`` only serves HTTP on top of a Daemon
(docs/architecture.md, the flow of a document).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axis import logs
from axis.api.auth import Authenticator
from axis.api.body import prepare_spool
from axis.api.refusals import RefusalCounts
from axis.config import Config, push_systems
from axis.delivery import registry
from axis.delivery.notices import FailureNotices
from axis.delivery.queue import QueueManager
from axis.directory import Directory
from axis.eventlog import sealer
from axis.intake.checker import Checker, load_trust, trust_dir_for
from axis.intake.env import Env
from axis.intake.pipeline import Pipeline
from axis.receipts import ReceiptSigner
from axis.store import open_store_waiting
from axis.store.base import Store
from axis.thread_names import CHECK_THREAD, name_this_thread

log = logs.get("axis.daemon")

# Seconds a background task gets to finish after it is cancelled at stop.
TASK_STOP_GRACE_S = 5.0


@dataclass
class Daemon:
    cfg: Config
    store: Store
    directory: Directory
    auth: Authenticator
    pipeline: Pipeline
    receipts: ReceiptSigner
    executor: ThreadPoolExecutor
    spool_dir: Path  # this process's folder for request bodies above 1 MiB (axis/api/body.py)
    refusals: RefusalCounts = field(default_factory=RefusalCounts)  # GET /stats
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    queue: QueueManager | None = None  # push delivery, when a system is pushed to

    @classmethod
    async def start(cls, cfg: Config) -> Daemon:
        store = await open_store_waiting(cfg)
        executor = ThreadPoolExecutor(
            cfg.hub.workers,
            thread_name_prefix="axis-intake",
            initializer=name_this_thread,
            initargs=(CHECK_THREAD,),
        )
        directory = Directory(store)
        checker = Checker(cfg, load_trust(trust_dir_for(cfg)))
        env = Env(cfg, store, directory, checker, executor)
        key_dir = Path(cfg.hub.key_dir) if cfg.hub.key_dir else cfg.data_dir / "pki" / "hub"
        spool_dir = prepare_spool(cfg.data_dir / "tmp")
        daemon = cls(
            cfg=cfg,
            store=store,
            directory=directory,
            auth=Authenticator(cfg, store),
            pipeline=Pipeline(env),
            receipts=ReceiptSigner.load(key_dir),
            executor=executor,
            spool_dir=spool_dir,
        )
        if cfg.upstream.url:  # a provincial (or lower) hub: bridge to the upstream (docs/tiers.md)
            from axis import bridge

            bridge.start(daemon)
        daemon._start_sealer()
        await daemon._start_delivery()
        return daemon

    async def _start_delivery(self) -> None:
        """The queue manager, when any connected system is delivered by push (docs/delivery.md)
        or packages are forwarded up (docs/tiers.md); each adapter is built (and its settings
        checked) here, at start. Each commit wakes it (no wait for a poll)."""
        pushed = push_systems(self.cfg)
        if not pushed and not self.cfg.upstream.url:
            return
        secrets = {system_id: await self.store.get_secret(system_id) or "" for system_id in pushed}
        try:
            adapters = registry.adapters_for(self.cfg, secrets)
        except BaseException:
            await self.close()
            raise
        policies = registry.policies_for(self.cfg, adapters)
        notices = self._failure_notices()
        self.queue = QueueManager(
            self.store, self.cfg.delivery, adapters, policies=policies, notices=notices
        )
        notices.wake = self.queue.wake  # a pushed sender gets its status at once
        self.pipeline.committed.append(self.queue.wake)
        self.spawn("queue-manager", self.queue.run)

    def _failure_notices(self) -> FailureNotices:
        """The issuer of failure statuses (docs/delivery.md "What the sender sees")."""
        code = self.cfg.delivery.failure_status
        notices = FailureNotices(self.store, self.directory, self.receipts, code, self.cfg.hop_name)
        if code != "off" and not notices.signed:
            log.warning("no hub key in hub.key_dir: failure statuses are sent unsigned (2.9.5)")
        return notices

    def _start_sealer(self) -> None:
        """The delivery log's chainer (PostgreSQL) and sealer (axis/eventlog/sealer.py)."""
        if self.cfg.store.backend == "postgres":
            chain_every = self.cfg.eventlog.chain_every_s
            self.spawn("log-chainer", lambda: sealer.run_chainer(self.store, chain_every))
        every = self.cfg.eventlog.seal_every_s
        key = sealer.seal_key(self.receipts, self.cfg.hop_name)
        if every <= 0:
            return
        if key is None:
            log.warning("no hub key in hub.key_dir: the event log is chained but not sealed")
            return
        self.spawn("log-sealer", lambda: sealer.run(self.store, key, every))

    def spawn(self, name: str, work: Callable[[], Coroutine[Any, Any, None]]) -> asyncio.Task[None]:
        """Run ``work()`` in the background until the daemon closes. A task that ends with an
        error is logged with its traceback (never silently lost); the stop cancels the rest."""
        if name in self.tasks and not self.tasks[name].done():
            raise RuntimeError(f"background task {name!r} is already running")
        task = asyncio.get_running_loop().create_task(work(), name=f"axis:{name}")
        task.add_done_callback(lambda done: _report_end(name, done))
        self.tasks[name] = task
        return task

    async def close(self) -> None:
        try:
            await self._stop_tasks()
            # No waiting here: a stuck worker must not block the stop (axis/api/serving.py).
            self.executor.shutdown(wait=False, cancel_futures=True)
        finally:
            await self.store.close()
            shutil.rmtree(self.spool_dir, ignore_errors=True)

    async def _stop_tasks(self) -> None:
        running = [task for task in self.tasks.values() if not task.done()]
        for task in running:
            task.cancel()
        if running:
            _, stuck = await asyncio.wait(running, timeout=TASK_STOP_GRACE_S)
            for task in stuck:
                log.warning("background task did not stop in time", task=task.get_name())


def _report_end(name: str, task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("background task failed", task=name, exc_info=error)
