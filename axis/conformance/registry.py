"""The case registry: every conformance case, its id, clause, severity and area.

A case is an async function taking the run's context; it returns normally when the target
conforms and raises ``evidence.Failed`` (what was expected, what arrived, how to fix it) when
not. ``@case(...)`` registers it; ids are unique and stable (docs/conformance.md is generated
from this registry).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["must", "should"]
CaseFunc = Callable[[Any], Awaitable[None]]
_ID = re.compile(r"^(HUB|DMS)-[A-Z]+-\d{3}$")


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    clause: str  # "QCVN 102:2016 §x" or "docs/domain.md §N" (docs/conformance.md)
    severity: Severity
    func: CaseFunc
    hint: str  # how to fix the target when the case fails

    @property
    def target(self) -> str:
        return self.id.split("-", 1)[0].lower()

    @property
    def area(self) -> str:
        return self.id.split("-")[1]


REGISTRY: dict[str, Case] = {}


def case(
    case_id: str, title: str, *, clause: str, hint: str, severity: Severity = "must"
) -> Callable[[CaseFunc], CaseFunc]:
    def register(func: CaseFunc) -> CaseFunc:
        if not _ID.match(case_id):
            raise ValueError(f"case id {case_id!r} is not TARGET-AREA-NNN")
        if case_id in REGISTRY:
            raise ValueError(f"case id {case_id} registered twice")
        REGISTRY[case_id] = Case(case_id, title, clause, severity, func, hint)
        return func

    return register


def cases(target: str, only: list[str] | None = None) -> list[Case]:
    """The target's cases in id order; ``only`` keeps ids or id prefixes (HUB-AUTH)."""
    load_cases()
    chosen = [c for c in REGISTRY.values() if c.target == target]
    if only:
        chosen = [c for c in chosen if any(c.id == o or c.id.startswith(o + "-") for o in only)]
    return sorted(chosen, key=lambda c: c.id)


def load_cases() -> None:
    """Import the case modules (registration happens at import)."""
    from axis.conformance import dms_cases, hub  # noqa: F401
