"""Intake stage 1, size: the body is non-empty and within intake.max_body_bytes.

The API already stops reading at the limit while the body streams in (5.1.1); this stage
states the rule once more where the pipeline lists its order, so no other entry point can
skip it.
"""

from __future__ import annotations

from pathlib import Path

from axis.errors import Rejected
from axis.intake.context import Intake
from axis.intake.env import Env

name = "size"


async def run(ctx: Intake, env: Env) -> None:
    size = ctx.data.stat().st_size if isinstance(ctx.data, Path) else len(ctx.data)
    if not size:
        raise Rejected("5.1.2")
    limit = env.cfg.intake.max_body_bytes
    if size > limit:
        raise Rejected("5.1.1", f"{size} bytes; the limit is {limit}.")
