"""The live terminal view: a progress bar with the running case, one line per finished case,
the evidence under each failure, and the grade at the end (rich; plain lines when the output
is not a terminal, e.g. in CI logs)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from axis.conformance.evidence import Outcome
from axis.conformance.registry import Case
from axis.conformance.runner import Run

STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "error": "bold red", "skip": "dim"}


class LiveView:
    def __init__(self, total: int, console: Console | None = None) -> None:
        self.console = console or Console(highlight=False, soft_wrap=True)
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.task = self.progress.add_task("starting", total=total)

    def __enter__(self) -> LiveView:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def started(self, case: Case) -> None:
        self.progress.update(self.task, description=f"{case.id} {case.title[:60]}")

    def done(self, case: Case, outcome: Outcome) -> None:
        style = STYLE[outcome.verdict]
        self.console.print(
            f"[{style}]{outcome.verdict.upper():5}[/] {case.id} [dim]({case.severity})[/] "
            f"{escape(case.title)}",
            markup=True,
        )
        if outcome.verdict in ("fail", "error"):
            self.console.print(f"      expected: {outcome.expected}", markup=False)
            self.console.print(f"      got:      {outcome.seen}", markup=False)
            self.console.print(f"      fix:      {outcome.hint}", markup=False)
        elif outcome.verdict in ("warn", "skip"):
            self.console.print(f"      {outcome.message}", markup=False)
        self.progress.advance(self.task)

    def summary(self, run: Run) -> None:
        counts = ", ".join(f"{v} {run.count(v)}" for v in STYLE if run.count(v))
        style = "green" if run.exit_code == 0 else "bold red"
        self.console.print(f"[{style}]{run.grade}[/]: {len(run.results)} cases ({counts}); "
                           f"codes checked: {run.codes}")  # fmt: skip
