"""The intake pipeline: the stages a package passes at the door, in their one fixed order.

size -> check (parse, schema, signature policy; in a thread) -> route -> dedupe -> business
-> persist. Each stage is a module with ``name`` and ``async run(ctx, env)`` that fills the
Intake context or raises Rejected (docs/architecture.md principle 2). The order lives here, in
code: no configuration can skip the signature stage. An idempotent retry (dedupe) ends the
pipeline early with the original DocId.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from types import ModuleType

from axis.intake import business, checks, dedupe, persist, route, size
from axis.intake.claims import Claims, keys_for
from axis.intake.context import Intake
from axis.intake.env import Env

STAGES: tuple[ModuleType, ...] = (size, checks, route, dedupe, business, persist)
# From here to the end, a package holds its claims (axis/intake/claims.py).
CLAIM_BEFORE = dedupe.name


class Pipeline:
    """Runs STAGES over one Intake; built once per daemon around its Env."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.claims = Claims()
        self._stages: tuple[tuple[str, Callable[[Intake, Env], Awaitable[None]]], ...] = tuple(
            (stage.name, stage.run) for stage in STAGES
        )

    async def run(self, ctx: Intake) -> Intake:
        """Every stage in order; returns the context (doc_id or duplicate_of set)."""
        async with AsyncExitStack() as claimed:
            for name, stage in self._stages:
                if name == CLAIM_BEFORE:
                    keys = keys_for(ctx.from_agency, ctx.ok)
                    await claimed.enter_async_context(self.claims.hold(keys))
                await stage(ctx, self.env)
                if ctx.done:
                    break
        return ctx
