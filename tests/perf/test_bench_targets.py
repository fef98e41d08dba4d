"""`make bench` judges issue 10's targets from its own figures (bench/targets.py): a target met,
one missed and one whose scenario did not run each read as such, never a missing one as met."""

from __future__ import annotations

from bench.run import Row
from bench.targets import judge


def _row(size_kb: float, recipients: int, p50: float, half_p99: float) -> Row:
    return Row("x", size_kb, recipients, 100, p50_ms=p50, half_rate_p99_ms=half_p99)


def test_each_target_is_met_missed_or_not_measured_from_the_run_figures() -> None:
    rows = [_row(10, 1, 40.0, 25.0), _row(136, 1, 80.0, 60.0), _row(10, 100, 210.0, 90.0)]
    versus = {
        "rows": [
            {"size_kb": 10, "backend": "sqlite", "workers": 1, "e2e_ratio": 1.02, "cpu_ratio": 4.1},
            {"size_kb": 136, "backend": "sqlite", "workers": 1, "cpu_ratio": 1.9},  # no Postfix
        ]
    }
    extras = [
        {"scenario": "50MB x1", "growth_vs_size": 3.4},
        {
            "scenario": "queue depth 50000",
            "rss_mb_by_queued": {"5000": 100.0, "50000": 101.0},
            "rss_growth_mb_first_tenth_to_full": 1.0,
        },
    ]
    met = {v.target: v.met for v in judge(rows, extras, versus)}
    assert met == {
        "end to end vs Postfix, 10 KB": True,
        "hub CPU per delivered / library check, 10 KB": False,
        "end to end vs Postfix, 136 KB": None,
        "hub CPU per delivered / library check, 136 KB": True,
        "p99 intake at half the maximum rate, 10 KB": True,
        "p99 intake at half the maximum rate, 136 KB": False,
        "fan-out to 100 recipients (intake p50 vs one)": False,
        "50MB package: peak RSS growth / size": False,
        "RSS flat with queue depth (50000 queued)": True,
    }


def test_scenarios_that_did_not_run_are_not_measured() -> None:
    verdicts = judge([], [], {"rows": []})
    assert verdicts and all(v.met is None for v in verdicts)
