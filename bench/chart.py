"""The PNG chart of a bench run: throughput, latency, floor ratio, CPU and memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def draw(rows: list[Any], path: Path) -> None:
    names = [f"{r.scenario} {r.backend}x{r.workers}" for r in rows]
    x = range(len(rows))
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    ax = axes[0][0]
    width = 0.27
    ax.bar([i - width for i in x], [r.intake_per_s for r in rows], width, label="intake/s")
    ax.bar(list(x), [r.e2e_per_s for r in rows], width, label="end to end/s")
    ax.bar([i + width for i in x], [r.floor_per_s for r in rows], width, label="in-process floor/s")
    ax.set_title("Packages per second (signature + schema on)")
    ax.legend()
    ax = axes[0][1]
    for attr, label in (
        ("p50_ms", "p50"),
        ("p95_ms", "p95"),
        ("p99_ms", "p99"),
        ("half_rate_p99_ms", "p99 at half rate"),
    ):
        ax.plot(names, [getattr(r, attr) for r in rows], marker="o", label=label)
    ax.set_title("Intake latency (ms)")
    ax.legend()
    ax = axes[1][0]
    ax.bar(names, [r.hub_cpu_s_per_1k for r in rows])
    ax.set_title("Hub CPU seconds per 1,000 packages")
    ax = axes[1][1]
    ax.bar(names, [r.hub_peak_rss_mb for r in rows])
    ax.set_title("Hub peak RSS (MB)")
    axes[0][0].set_xticks(list(x), names)
    for a in axes.flat:
        a.tick_params(axis="x", labelrotation=15)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
