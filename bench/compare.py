"""axis against its anchors in one run: Postfix's rates, and the library's own per-package cost.

The bar (docs/performance.md): axis end to end at least 1.0x Postfix's end-to-end rate at 10 KB
and 136 KB, and hub CPU per delivered package at most 2x the library's check cost (load, parse,
schema, signature, SHA-256: bench/stages.py "check (all)") of the same run. Postfix runs before
and after the hub; the ratio uses their mean and the range is kept, since the box is shared.
Beside the library's cost alone: what the hub's check threads spent per package under load.
"""

from __future__ import annotations

from statistics import mean
from typing import Any

from bench.postfix import PostfixRun

ANCHOR_SIZES_KB = (10, 136)
ANCHOR_MESSAGES = {10: 2000, 136: 600}


def anchor_plans(scale: float) -> list[tuple[int, int]]:
    """(messages, bytes) per anchor size, as many messages as axis's scenario at full scale."""
    return [(max(200, int(ANCHOR_MESSAGES[kb] * scale)), kb * 1024) for kb in ANCHOR_SIZES_KB]


def _check_ms(stages: list[dict[str, Any]], size_kb: int) -> float:
    rsa = [r for r in stages if r["key"] == "rsa"]
    nearest = min(rsa, key=lambda r: abs(r["size_kb"] - size_kb))
    return float(nearest["check (all)"])


def comparison(
    rows: list[Any],
    stages: list[dict[str, Any]],
    before: list[PostfixRun] | str,
    after: list[PostfixRun] | str,
) -> dict[str, Any]:
    postfix_runs = [r for runs in (before, after) if not isinstance(runs, str) for r in runs]
    skipped = [runs for runs in (before, after) if isinstance(runs, str)]
    lines = []
    for kb in ANCHOR_SIZES_KB:
        pf = [r for r in postfix_runs if r.size_bytes == kb * 1024]
        for row in (r for r in rows if r.size_kb == kb and r.recipients == 1):
            check_ms = _check_ms(stages, kb)
            line: dict[str, Any] = {
                "size_kb": kb,
                "workers": row.workers,
                "backend": row.backend,
                "axis_e2e_per_s": round(row.e2e_per_s, 1),
                "axis_intake_per_s": round(row.intake_per_s, 1),
                "hub_cpu_ms_per_delivered": round(row.e2e_hub_cpu_ms, 3),
                "generator_cpu_ms_per_delivered": round(row.e2e_gen_cpu_ms, 3),
                "library_check_ms": round(check_ms, 3),
                "cpu_ratio": round(row.e2e_hub_cpu_ms / check_ms, 2),
                # The hub's own check threads, in the run: the library work under load.
                "checks_cpu_ms_per_delivered": round(row.e2e_hub_cpu_by_role.get("checks", 0), 3),
                "bottleneck": row.bottleneck,
            }
            if pf:
                e2e = [r.e2e_per_s for r in pf]
                accept = [r.accept_per_s for r in pf]
                line |= {
                    "postfix_e2e_per_s": [round(v, 1) for v in e2e],
                    "postfix_accept_per_s": [round(v, 1) for v in accept],
                    "e2e_ratio": round(row.e2e_per_s / mean(e2e), 2),
                    "intake_ratio": round(row.intake_per_s / mean(accept), 2),
                }
            lines.append(line)
    return {"rows": lines, "postfix_skipped": skipped}


def _span(values: list[float] | None) -> str:
    if not values:
        return "-"
    low, high = min(values), max(values)
    return f"{low:.0f}" if round(low) == round(high) else f"{low:.0f}-{high:.0f}"


def print_comparison(versus: dict[str, Any]) -> None:
    print("\n== axis vs Postfix, side by side in this run (shared machine: ratios, not absolutes)")
    for why in versus["postfix_skipped"]:
        print(f"   postfix: skipped ({why})")
    print(
        f"{'size':>6} {'node':>10} {'axis e2e':>9} {'postfix e2e':>12} {'ratio':>6}"
        f" {'axis in':>8} {'postfix in':>11} {'ratio':>6}"
        f" {'hub ms':>7} {'checks':>7} {'lib ms':>7} {'cpu÷lib':>8} {'gen ms':>7}  bottleneck"
    )
    for r in versus["rows"]:
        print(
            f"{r['size_kb']:>4}KB {r['backend'] + 'x' + str(r['workers']):>10} {r['axis_e2e_per_s']:9.0f}"
            f" {_span(r.get('postfix_e2e_per_s')):>12} {r.get('e2e_ratio', float('nan')):6.2f}"
            f" {r['axis_intake_per_s']:8.0f} {_span(r.get('postfix_accept_per_s')):>11}"
            f" {r.get('intake_ratio', float('nan')):6.2f}"
            f" {r['hub_cpu_ms_per_delivered']:7.2f} {r.get('checks_cpu_ms_per_delivered', 0):7.2f}"
            f" {r['library_check_ms']:7.2f}"
            f" {r['cpu_ratio']:8.2f} {r['generator_cpu_ms_per_delivered']:7.2f}  {r['bottleneck']}"
        )
