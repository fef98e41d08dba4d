"""What a case proves: the verdict and, on failure, the evidence and the hint.

``Failed`` carries what was expected and what arrived (HTTP status, ErrorCode, a body
excerpt). ``Deviation`` records a `should`-level finding inside a case that otherwise passed
(for example a refusal with the right class but another detail code than axis's catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from axis.conformance.wire import Reply

Verdict = Literal["pass", "warn", "fail", "error", "skip"]


@dataclass(frozen=True)
class Observation:
    """One answer seen during a case."""

    operation: str
    http: int
    error_code: str
    excerpt: str

    @classmethod
    def of(cls, reply: Reply) -> Observation:
        return cls(reply.operation, reply.http, reply.error_code, reply.excerpt())

    def line(self) -> str:
        return f"{self.operation}: HTTP {self.http}, ErrorCode {self.error_code!r}: {self.excerpt}"


class Failed(Exception):
    """The target did not conform: ``expected`` vs what was ``seen``."""

    def __init__(self, expected: str, seen: Reply | str, hint: str = "") -> None:
        self.expected = expected
        self.seen = Observation.of(seen) if isinstance(seen, Reply) else None
        self.seen_text = seen if isinstance(seen, str) else self.seen.line()  # type: ignore[union-attr]
        self.hint = hint
        super().__init__(f"expected {expected}; got {self.seen_text}")


class Skipped(Exception):
    """The case cannot run against this target (missing credentials, keys, an option)."""


@dataclass
class Outcome:
    case_id: str
    verdict: Verdict
    seconds: float
    expected: str = ""
    seen: str = ""
    hint: str = ""
    deviations: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.verdict in ("fail", "error"):
            return f"expected {self.expected}; got {self.seen}"
        if self.verdict == "skip":
            return self.seen
        return "; ".join(self.deviations)
