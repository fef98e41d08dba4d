"""The kit against real hubs: a correct one passes every case; misconfigured or broken ones
fail the right cases, with evidence, and a non-zero exit status."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

from aiohttp import web

from axis.conformance import registry, runner
from axis.conformance.target import Target, read_systems
from tests.conformance.conftest import OUTPUT, kit
from tests.support.hubproc import HubProcess


def _target(hub: HubProcess, endpoint: str | None = None) -> Target:
    demo = hub.data_dir / "demo"
    return Target(endpoint or hub.endpoint, read_systems(demo / "systems.json"), pki=demo / "pki")


async def test_every_case_passes_against_a_real_demo_hub(
    demo_hub: HubProcess, tmp_path: Path
) -> None:
    demo = demo_hub.data_dir / "demo"
    junit, page = tmp_path / "kit.xml", tmp_path / "kit.html"
    status, out = await kit(
        "--target", demo_hub.endpoint, "--demo-dir", str(demo),
        "--junit", str(junit), "--html", str(page),
    )  # fmt: skip
    assert status == 0, out
    assert "CONFORMS" in out
    suites = ET.parse(junit).getroot()
    assert int(suites.get("tests", "0")) == len(registry.cases("hub")) >= 40
    for suite in suites:
        assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("0",) * 3
    assert "CONFORMS" in page.read_text(encoding="utf-8")


async def test_a_hub_with_signature_checks_off_fails_the_signature_cases(tmp_path: Path) -> None:
    hub = HubProcess(tmp_path / "hub", extra_config='[signature]\nmode = "off"\n')
    hub.start()
    try:
        cases = registry.cases("hub", ["HUB-SIG", "HUB-CERT", "HUB-SEND-001"])
        result = await runner.run(_target(hub), cases)
        # A wrong --max-body (far below the hub's limit): the hub is ready to read the body.
        small = _target(hub)
        small.max_body = 1000
        ((_, oversize),) = (
            await runner.run(small, registry.cases("hub", ["HUB-WIRE-008"]))
        ).results
    finally:
        hub.stop()
    assert oversize.verdict == "fail" and "413" in oversize.expected, oversize
    assert oversize.seconds < 15, oversize
    verdicts = {case.id: outcome for case, outcome in result.results}
    assert verdicts["HUB-SEND-001"].verdict == "pass"
    must = [
        cid for cid in verdicts if cid.startswith(("HUB-SIG", "HUB-CERT")) and cid != "HUB-SIG-004"
    ]
    for case_id in must:
        outcome = verdicts[case_id]
        assert outcome.verdict == "fail", (case_id, outcome)
        assert "refused" in outcome.expected and "HTTP 200" in outcome.seen, outcome
        assert "2.3.16" in outcome.seen  # the evidence shows the hub's own warning
        assert outcome.hint
    assert result.exit_code == 1


def broken_hub() -> web.Application:
    """A hub that answers OK to everything and stores nothing."""

    async def anything(request: web.Request) -> web.Response:
        await request.read()
        operation = request.match_info["operation"]
        body: dict[str, object] = {"status": "OK", "ErrorCode": "0", "ErrorDesc": ""}
        if operation == "sendEdoc":
            body["DocId"] = "00000000-0000-0000-0000-000000000001"
        elif operation.startswith("count"):
            body["count"] = 0
        else:
            body["data"] = []
        return web.json_response(body)

    app = web.Application()
    app.router.add_post("/{operation}", anything)
    return app


async def test_a_hub_that_says_ok_to_everything_fails_with_evidence(
    demo_hub: HubProcess, aiohttp_server, tmp_path: Path
) -> None:
    server = await aiohttp_server(broken_hub(), host="127.0.0.1")
    endpoint = str(server.make_url("")).rstrip("/")
    junit = tmp_path / "broken.xml"
    page = OUTPUT / "broken-hub-report.html"
    OUTPUT.mkdir(exist_ok=True)
    demo = demo_hub.data_dir / "demo"
    status, out = await kit(
        "--target", endpoint, "--demo-dir", str(demo), "--junit", str(junit), "--html", str(page),
    )  # fmt: skip
    assert status == 1, out
    assert "DOES NOT CONFORM" in out
    failed = {
        test.get("name", "").split()[0]: test.find("failure")
        for test in ET.parse(junit).getroot().iter("testcase")
        if test.find("failure") is not None
    }
    for case_id in ("HUB-AUTH-001", "HUB-AUTH-004", "HUB-XML-003", "HUB-SIG-001", "HUB-BIZ-003"):
        failure = failed[case_id]
        assert failure is not None
        assert "expected" in (failure.text or "") and "HTTP 200" in (failure.text or "")
        assert "hint:" in (failure.text or "")
    assert "HUB-SEND-002" in failed  # accepted but never delivered
    assert "HUB-SEND-002" in out and "expected:" in out and "fix:" in out


async def test_a_kit_without_enough_credentials_is_incomplete_not_conforming(
    demo_hub: HubProcess,
) -> None:
    systems = json.loads((demo_hub.data_dir / "demo" / "systems.json").read_text("utf-8"))
    first = systems[0]
    status, out = await kit(
        "--target", demo_hub.endpoint, "--demo-dir", "/nonexistent",
        "--system", first["system_id"], "--secret", first["secret"],
        "--agency", first["agencies"][0], "--only", "HUB-AUTH-001,HUB-SEND-001",
    )  # fmt: skip
    assert status == 3, out
    assert "INCOMPLETE" in out and "SKIP" in out and "PASS" in out
