"""The intake pipeline: the stages a package passes at the door, in their one fixed order.

size -> check (parse, schema, signature policy; in a thread) -> route -> dedupe -> business
-> persist. Each stage is a module with ``name`` and ``async run(ctx, env)`` that fills the
Intake context or raises Rejected (docs/architecture.md principle 2). The order lives here, in
code: no configuration removes or reorders a stage. The signature stage always runs; with
signature.mode = off it verifies nothing and the package carries 2.3.16 (not checked). An
idempotent retry (dedupe) ends the pipeline early with the original DocId.

A package refused after the check stage (its sender authorised, DocumentId parsed, signature
judged) is recorded durably in the refusals table (code, sender, DocumentId, SHA-256, request
id; never the body); earlier refusals are in the hub's log line only (axis/api/refusals.py).

After a commit, the ``committed`` hooks get the new deliveries' routes: the daemon's queue
manager wakes there, so a push or a forward up starts at once (docs/tiers.md, docs/delivery.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from types import ModuleType

from axis import logs
from axis.edxml import DocumentPackage, StatusPackage
from axis.errors import Rejected, StoreUnavailable
from axis.intake import business, check, dedupe, persist, route, size
from axis.intake.claims import Claims, keys_for
from axis.intake.context import Intake
from axis.intake.env import Env
from axis.store.base import Refusal, StoredConcurrently
from axis.store.sqlite import now

STAGES: tuple[ModuleType, ...] = (size, check, route, dedupe, business, persist)


def is_new_document(ctx: Intake) -> bool:
    """A new document (BussinessDocType 0) reads nothing but what dedupe reads, and the store's
    unique indexes already refuse a second copy of those facts (same bytes from one sender, a
    reused DocumentId). So it skips the store's claim (two round trips on PostgreSQL) and a
    lost race comes back as StoredConcurrently (docs/decisions.md "New documents skip the
    claim"). On a store that ``dedupes_on_write`` it skips dedupe's read too: the write is the
    question, and a taken key is answered (2.6.1 / 5.6.2) by dedupe under the claim. Statuses
    and revoke/update/replace read what others write: they claim."""
    package = ctx.checked.package
    return isinstance(package, DocumentPackage) and package.business_doc_type == 0


# From here to the end, a package holds its claims (axis/intake/claims.py).
CLAIM_BEFORE = dedupe.name
log = logs.get("axis.intake")


class Pipeline:
    """Runs STAGES over one Intake; built once per daemon around its Env."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.claims = Claims()
        # Called with the routes of a committed document's deliveries (never for a duplicate).
        self.committed: list[Callable[[list[str]], None]] = []
        self._stages: tuple[tuple[str, Callable[[Intake, Env], Awaitable[None]]], ...] = tuple(
            (stage.name, stage.run) for stage in STAGES
        )

    async def run(self, ctx: Intake) -> Intake:
        """Every stage in order; returns the context (doc_id or duplicate_of set)."""
        try:
            await self._stages_in_order(ctx)
        except Rejected as exc:
            if ctx.check_result is not None:
                await self._record(ctx, exc)
            raise
        if ctx.doc_id:
            routes = list({ctx.routes[a].name for a in ctx.recipients if a in ctx.routes})
            for hook in self.committed:
                hook(routes)
        return ctx

    async def _stages_in_order(self, ctx: Intake) -> Intake:
        async with AsyncExitStack() as claimed:
            unclaimed: list[str] = []  # the store claim's keys while it is skipped
            for name, stage in self._stages:
                if name == CLAIM_BEFORE:
                    keys = keys_for(ctx.from_agency, ctx.checked)
                    # In-process first (waiting here costs no database connection), then in
                    # the store: across nodes on PostgreSQL, nothing more on SQLite.
                    await claimed.enter_async_context(self.claims.hold(keys))
                    if is_new_document(ctx):
                        unclaimed = keys
                        if self.env.store.dedupes_on_write:
                            continue  # the write's unique indexes answer (see is_new_document)
                    else:
                        await claimed.enter_async_context(self.env.store.claim(keys))
                try:
                    await stage(ctx, self.env)
                except StoredConcurrently:
                    if not unclaimed:
                        raise
                    await self._decide_claimed(ctx, unclaimed)
                    break
                if ctx.done:
                    break
        return ctx

    async def _decide_claimed(self, ctx: Intake, keys: list[str]) -> None:
        """A new document lost a unique index to another node: dedupe again under the store's
        claim (the winner is committed, so it answers 2.6.1 or 5.6.2); should the winner be
        gone, store this one under the claim."""
        async with self.env.store.claim(keys):
            await dedupe.run(ctx, self.env)
            if not ctx.done:
                await persist.run(ctx, self.env)

    async def _record(self, ctx: Intake, exc: Rejected) -> None:
        """The refusals row; a store that cannot write must not hide the refusal itself."""
        package = ctx.checked.package
        document_id = (
            package.response_for.document_id
            if isinstance(package, StatusPackage)
            else package.document_id
        )
        refusal = Refusal(
            now(), ctx.request_id, exc.code.code, ctx.system_id, ctx.from_agency,
            document_id, ctx.checked.sha256, exc.reason,
        )  # fmt: skip
        try:
            await self.env.store.record_refusal(refusal, self.env.cfg.store.refusals_keep_days)
        except StoreUnavailable as failure:
            log.warning("refusal not recorded", request_id=ctx.request_id, error=str(failure))
