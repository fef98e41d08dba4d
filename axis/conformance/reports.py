"""The run's reports: JUnit XML for CI systems, a self-contained HTML page for the operator
(inline CSS, no scripts, no external assets), and the case catalogue as Markdown
(docs/conformance.md)."""

from __future__ import annotations

import html
from xml.etree import ElementTree as ET

from axis.conformance.registry import Case
from axis.conformance.runner import Run

VERDICTS = ("pass", "warn", "fail", "error", "skip")


def junit(run: Run) -> bytes:
    """One testsuite per area, one testcase per case; `should` failures are failures too
    (a CI can tell them apart by the ``severity`` property)."""
    suites = ET.Element("testsuites", name="axis conformance", tests=str(len(run.results)))
    by_area: dict[str, list] = {}
    for case, outcome in run.results:
        by_area.setdefault(case.area, []).append((case, outcome))
    for area, items in by_area.items():
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"{items[0][0].target}.{area}",
            tests=str(len(items)),
            failures=str(sum(o.verdict == "fail" for _, o in items)),
            errors=str(sum(o.verdict == "error" for _, o in items)),
            skipped=str(sum(o.verdict == "skip" for _, o in items)),
            time=f"{sum(o.seconds for _, o in items):.3f}",
        )
        for case, outcome in items:
            test = ET.SubElement(
                suite,
                "testcase",
                classname=f"conformance.{case.target}.{area}",
                name=f"{case.id} {case.title}",
                time=f"{outcome.seconds:.3f}",
            )
            props = ET.SubElement(test, "properties")
            for name, value in (("severity", case.severity), ("clause", case.clause)):
                ET.SubElement(props, "property", name=name, value=value)
            if outcome.verdict in ("fail", "error"):
                tag = "failure" if outcome.verdict == "fail" else "error"
                node = ET.SubElement(test, tag, message=outcome.message[:500])
                node.text = f"{outcome.message}\nhint: {outcome.hint}"
            elif outcome.verdict == "skip":
                ET.SubElement(test, "skipped", message=outcome.seen)
            elif outcome.verdict == "warn":
                ET.SubElement(test, "system-out").text = "\n".join(outcome.deviations)
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True)


_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1d1d1f;background:#fff}
h1{font-size:1.6em;margin:0 0 .2em}.meta{color:#555;margin-bottom:1em}
.grade{display:inline-block;padding:.3em .8em;border-radius:4px;font-weight:700;color:#fff}
.CONFORMS{background:#1a7f37}.DOES{background:#cf222e}.INCOMPLETE{background:#9a6700}
.counts span{margin-right:1.2em}
table{border-collapse:collapse;width:100%;margin-top:1em}
th,td{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f6f8fa}
.v{font-weight:700;text-transform:uppercase;white-space:nowrap}
.pass{color:#1a7f37}.warn{color:#9a6700}.fail,.error{color:#cf222e}.skip{color:#6e7781}
.ev{font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap;color:#333}
.hint{color:#0550ae}
.id{white-space:nowrap;font-family:ui-monospace,monospace}
"""


def html_report(run: Run) -> str:
    """A page a vendor can hand to the operator: the grade, the counts, every case with its
    evidence and hint."""
    rows = []
    for case, outcome in run.results:
        detail = ""
        if outcome.verdict in ("fail", "error"):
            detail = (
                f'<div class="ev">expected: {html.escape(outcome.expected)}\n'
                f"got: {html.escape(outcome.seen)}</div>"
                f'<div class="hint">how to fix: {html.escape(outcome.hint)}</div>'
            )
        elif outcome.verdict == "warn":
            detail = f'<div class="ev">{html.escape("; ".join(outcome.deviations))}</div>'
        elif outcome.verdict == "skip":
            detail = f'<div class="ev">{html.escape(outcome.seen)}</div>'
        rows.append(
            f'<tr><td class="v {outcome.verdict}">{outcome.verdict}</td><td class="id">{case.id}</td>'
            f"<td>{case.severity}</td><td>{html.escape(case.title)}{detail}</td>"
            f"<td>{html.escape(case.clause)}</td><td>{outcome.seconds:.2f}s</td></tr>"
        )
    counts = "".join(
        f'<span class="{v}">{v}: {run.count(v)}</span>' for v in VERDICTS if run.count(v)
    )
    grade_class = run.grade.split()[0]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>axis conformance: {html.escape(run.target.endpoint)}</title>
<style>{_CSS}</style></head><body>
<h1>Conformance report: {"DMS" if run.kind == "dms" else "hub"} at {html.escape(run.target.endpoint)}</h1>
<div class="meta">axis conformance kit, run {run.started:%Y-%m-%d %H:%M:%S} UTC,
{len(run.results)} cases, result codes checked: {run.codes}
(docs/conformance.md explains the grades)</div>
<div><span class="grade {grade_class}">{run.grade}</span></div>
<p class="counts">{counts}</p>
<table><thead><tr><th>result</th><th>case</th><th>severity</th><th>what is checked</th>
<th>clause</th><th>time</th></tr></thead><tbody>
{"".join(rows)}
</tbody></table></body></html>
"""


def catalogue_markdown(cases: list[Case]) -> str:
    """The catalogue table of docs/conformance.md (``axis conformance hub --list --markdown``)."""
    lines = ["| id | severity | clause | what is checked |", "|---|---|---|---|"]
    lines += [f"| {c.id} | {c.severity} | {c.clause} | {c.title} |" for c in cases]
    return "\n".join(lines) + "\n"
