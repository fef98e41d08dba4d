"""Run cases one after another against a target and grade the run.

Grades: ``pass``; ``warn`` (the case passed its `must` part but showed a `should`-level
deviation, such as another detail code than axis's); ``fail`` (the target did not conform;
evidence attached); ``error`` (the case could not complete: connection refused, timeout, an
answer the kit could not read; graded like a failure); ``skip`` (the credentials or keys the
case needs were not given). Exit status: 0 when every `must` case passed (pass or warn), 1 when
a `must` case failed or errored, 3 when none failed but a `must` case was skipped (not a proof).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp

from axis.conformance.evidence import Failed, Outcome, Skipped
from axis.conformance.registry import Case
from axis.conformance.target import CodeMode, Context, Target

CASE_TIMEOUT_S = 120.0


@dataclass
class Run:
    target: Target
    codes: CodeMode
    started: datetime
    results: list[tuple[Case, Outcome]] = field(default_factory=list)
    finished: datetime | None = None
    kind: str = "hub"  # the target: hub or dms

    def count(self, verdict: str) -> int:
        return sum(1 for _, o in self.results if o.verdict == verdict)

    @property
    def exit_code(self) -> int:
        must = [o for c, o in self.results if c.severity == "must"]
        if any(o.verdict in ("fail", "error") for o in must):
            return 1
        if any(o.verdict == "skip" for o in must):
            return 3
        return 0

    @property
    def grade(self) -> str:
        return {0: "CONFORMS", 1: "DOES NOT CONFORM", 3: "INCOMPLETE"}[self.exit_code]


async def detect_codes(session: aiohttp.ClientSession, endpoint: str) -> CodeMode:
    """exact for an axis hub (its /openapi.json says so), class for any other."""
    try:
        async with session.get(f"{endpoint.rstrip('/')}/openapi.json") as answer:
            document = await answer.json(content_type=None)
        title = str(document.get("info", {}).get("title", ""))
    except (TimeoutError, aiohttp.ClientError, ValueError, AttributeError):
        return "class"
    return "exact" if title.lower().startswith("axis") else "class"


async def run(
    target: Target,
    cases: list[Case],
    *,
    on_start: Callable[[Case], None] = lambda case: None,
    on_done: Callable[[Case, Outcome], None] = lambda case, outcome: None,
) -> Run:
    connector = aiohttp.TCPConnector(limit=16)
    async with aiohttp.ClientSession(connector=connector, trust_env=False) as session:
        codes = (
            target.codes if target.codes != "auto" else await detect_codes(session, target.endpoint)
        )
        result = Run(target, codes, datetime.now(UTC))
        ctx = Context(target, session, codes, target.cast())
        return await run_cases(ctx, cases, result, on_start=on_start, on_done=on_done)


async def run_cases(
    ctx: Any,
    cases: list[Case],
    result: Run,
    *,
    on_start: Callable[[Case], None] = lambda case: None,
    on_done: Callable[[Case, Outcome], None] = lambda case, outcome: None,
) -> Run:
    """Run ``cases`` in order with one shared context (any target's: hub or DMS)."""
    for case in cases:
        on_start(case)
        outcome = await run_case(ctx, case)
        result.results.append((case, outcome))
        on_done(case, outcome)
    result.finished = datetime.now(UTC)
    return result


async def run_case(ctx: Any, case: Case) -> Outcome:
    """One case; a context may set its own ``case_timeout_s`` (the DMS target waits on people)."""
    ctx.deviations = []
    started = time.monotonic()
    timeout_s = getattr(ctx, "case_timeout_s", CASE_TIMEOUT_S)

    def outcome(verdict: str, **kwargs: object) -> Outcome:
        return Outcome(case.id, verdict, time.monotonic() - started, **kwargs)  # type: ignore[arg-type]

    try:
        await asyncio.wait_for(case.func(ctx), timeout_s)
    except Failed as failed:
        return outcome(
            "fail", expected=failed.expected, seen=failed.seen_text, hint=failed.hint or case.hint,
            deviations=list(ctx.deviations),
        )  # fmt: skip
    except Skipped as skipped:
        return outcome("skip", seen=str(skipped))
    except TimeoutError:
        return outcome(
            "error", expected="an answer", seen=f"no answer within {timeout_s:.0f}s",
            hint=case.hint,
        )  # fmt: skip
    except (aiohttp.ClientError, OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        return outcome(
            "error", expected="a readable answer", seen=f"{type(exc).__name__}: {exc}",
            hint=case.hint,
        )  # fmt: skip
    if ctx.deviations:
        return outcome("warn", deviations=list(ctx.deviations))
    return outcome("pass")
