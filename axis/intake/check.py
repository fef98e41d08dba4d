"""Intake stage 2, check: parse -> schema -> signature policy, off the event loop.

Runs the Checker (axis/intake/checker.py, shared with ``axis validate``) in the hub's
thread pool (hub.workers threads): lxml and libxmlsec1 release the GIL for most of the work, and
one large package must not stall every other connection (docs/architecture.md, flow of a document).
"""

from __future__ import annotations

import asyncio

from axis.intake.context import Intake
from axis.intake.env import Env

name = "check"


async def run(ctx: Intake, env: Env) -> None:
    loop = asyncio.get_running_loop()
    checked = await loop.run_in_executor(
        env.executor, lambda: env.checker.check(ctx.data, at=ctx.received_at)
    )
    ctx.check_result = checked
    ctx.findings.extend(checked.findings)
