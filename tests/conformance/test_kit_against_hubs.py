"""The kit against real hubs: a correct one passes every case, the bare demo hub and each hub
of the demo network alike; misconfigured or broken ones fail the right cases, with evidence,
and a non-zero exit status."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import aiohttp
import pytest
from aiohttp import web

from axis.conformance import registry, runner
from axis.conformance.hub.common import new_unit_id
from axis.conformance.target import Target, read_systems
from axis.conformance.wire import SdkClient
from tests.conformance.conftest import OUTPUT, ROOT, kit
from tests.support.hubproc import HubProcess, healthy, interrupt


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
        "--system", first["system_id"], f"--secret={first['secret']}",
        "--agency", first["agencies"][0], "--only", "HUB-AUTH-001,HUB-SEND-001",
    )  # fmt: skip
    assert status == 3, out
    assert "INCOMPLETE" in out and "SKIP" in out and "PASS" in out


async def test_a_registration_case_draws_a_fresh_id_when_the_first_is_already_taken(
    demo_hub: HubProcess,
) -> None:
    """Ids an earlier run left registered (or kept for another system: 5.5.10) are taken:
    HUB-SDK-010 and HUB-DIR-003 draw another id, they do not fail on 5.5.4."""
    target = _target(demo_hub)
    sender = target.cast()["sender"]
    random.seed(14)
    taken = [new_unit_id(sender) for _ in range(3)]
    async with aiohttp.ClientSession() as session:
        client = SdkClient(
            demo_hub.endpoint, sender.system.system_id, sender.system.secret, session
        )
        for agency_id in taken:
            body = {"id": "", "pcode": sender.system.system_id, "code": agency_id,
                    "name": "Đơn vị đã dùng", "mail": "", "mobile": "", "fax": ""}  # fmt: skip
            assert (await client.register(body)).ok  # left registered, as by a stopped run
            assert (await client.register(body)).error_code == "5.5.4"
    for case_id in ("HUB-SDK-010", "HUB-DIR-003"):
        random.seed(14)  # the case's first draws are the taken ids
        ((_, outcome),) = (await runner.run(target, registry.cases("hub", [case_id]))).results
        assert outcome.verdict == "pass", outcome


# -- the demo network (`make run`) ----------------------------------------------------------


def _endpoints(demo: Path, command: subprocess.Popen[bytes]) -> dict[str, str]:
    """hub name -> endpoint, once systems.json names three hubs and each answers /healthz."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert command.poll() is None, "the network command exited"
        if (demo / "systems.json").is_file():
            systems = json.loads((demo / "systems.json").read_text("utf-8"))
            hubs = {str(s["hub"]): str(s["endpoint"]) for s in systems}
            if len(hubs) == 3 and all(healthy(e) for e in hubs.values()):
                return hubs
        time.sleep(0.2)
    raise AssertionError("the demo network did not answer /healthz on three hubs")


@pytest.fixture(scope="module")
def demo_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """`make run` with RUN_ARGS="--data-dir TMP --listen 127.0.0.1:0": the repository's
    config.toml, the network seeded in a temp folder, three free loopback ports."""
    base = tmp_path_factory.mktemp("network")
    command_line = [
        sys.executable, "-m", "axis", "serve", "--config", str(ROOT / "config.toml"), "--demo",
        "--network", "--data-dir", str(base), "--listen", "127.0.0.1:0",
    ]  # fmt: skip
    with (base / "network.log").open("wb") as log:  # the child keeps its own descriptor
        command = subprocess.Popen(command_line, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        yield base / "demo", _endpoints(base / "demo", command)
    finally:
        interrupt(command)


# About 22 s for the three: the first seeds the network (RSA keys for ~30 agencies and the bad
# sets) and starts three hubs (~9 s), then each runs the whole kit in its own process (~4-5 s;
# measured at load average 2.7 on 2 shared cores). The longer timeout is for a loaded machine.
@pytest.mark.timeout(300)
@pytest.mark.parametrize("hub", ["national", "h47", "h41"])
async def test_every_case_passes_against_each_hub_of_the_demo_network(
    demo_network: tuple[Path, dict[str, str]], hub: str, tmp_path: Path
) -> None:
    demo, endpoints = demo_network
    junit = tmp_path / "kit.xml"
    status, out = await kit(
        "--target", endpoints[hub], "--demo-dir", str(demo), "--junit", str(junit)
    )  # fmt: skip
    assert status == 0, out
    cases = len(registry.cases("hub"))
    assert f"CONFORMS: {cases} cases (pass {cases})" in out, out
    suites = ET.parse(junit).getroot()
    assert int(suites.get("tests", "0")) == cases
    for suite in suites:
        assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("0",) * 3
