"""Issue 10's targets judged from one `make bench` run: each with its figure, its bar, met or not.

The figures come from the same run (rows of the hub scenarios, the extras, the Postfix
comparison); nothing here measures. A target whose scenario did not run (Postfix skipped,
queue depth 0) is reported as not measured, never as met. docs/performance.md explains each.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# The bars of issue 10 (docs/performance.md "The bar").
E2E_RATIO_AT_LEAST = 1.0
CPU_RATIO_AT_MOST = 2.0
P99_HALF_RATE_UNDER_MS = 50.0
FAN_OUT_UNDER = 5.0
BIG_PACKAGE_GROWTH_AT_MOST = 2.0
# RSS "flat" with queue depth: growth over the run below this share of the first sample.
QUEUE_RSS_FLAT_WITHIN = 0.05


@dataclass(frozen=True)
class Verdict:
    target: str
    figure: str
    bar: str
    met: bool | None  # None: the scenario did not run


def _sqlite_single(rows: list[Any], size_kb: float, recipients: int = 1) -> Any | None:
    return next(
        (
            r
            for r in rows
            if r.size_kb == size_kb
            and r.recipients == recipients
            and r.backend == "sqlite"
            and r.workers == 1
        ),
        None,
    )


def _versus_row(versus: dict[str, Any], size_kb: int) -> dict[str, Any] | None:
    return next(
        (
            line
            for line in versus.get("rows", [])
            if line["size_kb"] == size_kb and line["backend"] == "sqlite" and line["workers"] == 1
        ),
        None,
    )


def _bounded(
    target: str, value: float | None, unit: str, bar: float, at_most: bool, strict: bool = False
) -> Verdict:
    """A figure against its bar (at most, or at least); None or 0: the scenario did not run."""
    if not value:
        return Verdict(target, "not measured", "", None)
    digits = 2 if unit == "x" else 1
    figure = f"{value:.{digits}f}{unit if unit == 'x' else ' ' + unit}"
    sign = ("<" if strict else "<=") if at_most else ">="
    met = (value < bar if strict else value <= bar) if at_most else value >= bar
    return Verdict(target, figure, f"{sign} {bar:g}{unit if unit == 'x' else ' ' + unit}", met)


def _anchored(versus: dict[str, Any]) -> list[Verdict]:
    verdicts = []
    for kb in (10, 136):
        line = _versus_row(versus, kb) or {}
        verdicts += [
            _bounded(f"end to end vs Postfix, {kb} KB", line.get("e2e_ratio"), "x",
                     E2E_RATIO_AT_LEAST, at_most=False),
            _bounded(f"hub CPU per delivered / library check, {kb} KB", line.get("cpu_ratio"),
                     "x", CPU_RATIO_AT_MOST, at_most=True),
        ]  # fmt: skip
    return verdicts


def _latency(rows: list[Any]) -> list[Verdict]:
    return [
        _bounded(
            f"p99 intake at half the maximum rate, {kb} KB",
            row.half_rate_p99_ms if (row := _sqlite_single(rows, kb)) else None,
            "ms",
            P99_HALF_RATE_UNDER_MS,
            at_most=True,
            strict=True,
        )
        for kb in (10, 136)
    ]


def _fan_out(rows: list[Any]) -> Verdict:
    """What the sender waits for: intake p50 of a 100-recipient package against one recipient."""
    one, hundred = _sqlite_single(rows, 10), _sqlite_single(rows, 10, 100)
    if not one or not hundred or not one.p50_ms:
        return Verdict("fan-out to 100 recipients (intake p50)", "not measured", "", None)
    times = hundred.p50_ms / one.p50_ms
    return Verdict(
        "fan-out to 100 recipients (intake p50 vs one)",
        f"{times:.1f}x ({hundred.p50_ms:.0f} vs {one.p50_ms:.0f} ms)",
        f"< {FAN_OUT_UNDER:.0f}x",
        times < FAN_OUT_UNDER,
    )


def _memory(extras: list[dict[str, Any]]) -> list[Verdict]:
    big = next((e for e in extras if e.get("scenario", "").endswith("MB x1")), None)
    queue = next((e for e in extras if str(e.get("scenario", "")).startswith("queue depth")), None)
    verdicts = []
    if big is None:
        verdicts.append(Verdict("large package RSS growth", "not measured", "", None))
    else:
        growth = float(big["growth_vs_size"])
        verdicts.append(
            Verdict(
                f"{big['scenario'].split()[0]} package: peak RSS growth / size",
                f"{growth:.2f}x",
                f"<= {BIG_PACKAGE_GROWTH_AT_MOST:.0f}x",
                growth <= BIG_PACKAGE_GROWTH_AT_MOST,
            )
        )
    if queue is None:
        verdicts.append(Verdict("RSS flat with queue depth", "not measured", "", None))
    else:
        points = list(queue["rss_mb_by_queued"].values())
        growth_mb = float(queue["rss_growth_mb_first_tenth_to_full"])
        verdicts.append(
            Verdict(
                f"RSS flat with queue depth ({queue['scenario'].split()[-1]} queued)",
                f"+{growth_mb:.1f} MB",
                f"within {QUEUE_RSS_FLAT_WITHIN:.0%} of {points[0]:.0f} MB",
                growth_mb <= QUEUE_RSS_FLAT_WITHIN * points[0],
            )
        )
    return verdicts


def judge(rows: list[Any], extras: list[dict[str, Any]], versus: dict[str, Any]) -> list[Verdict]:
    return [*_anchored(versus), *_latency(rows), _fan_out(rows), *_memory(extras)]


def print_verdicts(verdicts: list[Verdict]) -> None:
    print("\n== issue 10's targets, judged from this run (SQLite node)")
    for v in verdicts:
        mark = "not measured" if v.met is None else ("met" if v.met else "NOT MET")
        print(f"  {v.target:<52} {v.figure:>26}  bar {v.bar:<24} {mark}")


def as_result(verdicts: list[Verdict]) -> dict[str, Any]:
    return {"scenario": "targets", "rows": [asdict(v) for v in verdicts]}
