"""The HTML report, opened in headless chromium, shows the results: the screenshot is kept as
an artifact (tests/conformance/output/, gitignored) and must be a real, non-trivial PNG."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from axis.conformance import reports, runner
from axis.conformance.evidence import Outcome
from axis.conformance.registry import cases
from axis.conformance.target import Target
from tests.conformance.conftest import OUTPUT

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(
            "chromium is missing under CI: `make test` installs it (apt-get install chromium)"
        )
    pytest.skip(
        "chromium is not installed (apt-get install chromium; `make test` does it when CI=true)"
    )


def sample_run() -> runner.Run:
    """A run with every verdict, graded as the runner grades it."""
    from datetime import UTC, datetime

    run = runner.Run(Target("http://127.0.0.1:8080", []), "exact", datetime.now(UTC))
    verdicts = ["pass", "warn", "fail", "error", "skip"]
    for i, case in enumerate(cases("hub")):
        verdict = verdicts[i % 5] if i < 10 else "pass"
        run.results.append(
            (case, Outcome(case.id, verdict, 0.05, expected="refused (status FAIL)",  # type: ignore[arg-type]
                           seen='sendEdoc: HTTP 200, ErrorCode "0"', hint=case.hint,
                           deviations=["refused as 5.1.5; axis answers 5.8.1"] if verdict == "warn" else []))
        )  # fmt: skip
    run.finished = datetime.now(UTC)
    return run


def test_the_report_is_self_contained() -> None:
    page = reports.html_report(sample_run())
    assert "<style>" in page and "DOES NOT CONFORM" in page
    for external in ("<script", "<link", "src=", "@import", "url("):
        assert external not in page, external


def test_headless_chromium_renders_the_report(tmp_path: Path) -> None:
    browser = chromium()
    OUTPUT.mkdir(exist_ok=True)
    page = OUTPUT / "report.html"
    page.write_text(reports.html_report(sample_run()), encoding="utf-8")
    shot = OUTPUT / "report.png"
    shot.unlink(missing_ok=True)
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--window-size=1280,1600", f"--screenshot={shot}", page.as_uri()],
        check=True, capture_output=True, timeout=90,
    )  # fmt: skip
    data = shot.read_bytes()
    assert data[:8] == PNG_MAGIC
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 1600)
    # A blank page compresses to a few kB; a table of 85 coloured rows does not.
    assert len(data) > 50_000, len(data)
