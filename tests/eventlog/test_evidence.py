"""Evidence bundles (both backends): exported by ``axis evidence``, verified offline from a
copy with no database in reach, and refused when any byte of the file changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from axis.eventlog import evidence
from tests.eventlog.conftest import cli, cli_json, write_config
from tests.eventlog.traffic import story


async def _bundle(hub, hub_cfg, pki, tmp_path: Path) -> tuple[Path, str]:
    told = await story(hub, pki)
    config = str(write_config(hub_cfg, tmp_path / "cli.toml"))
    out = tmp_path / "out.zip"
    code, text = await cli("evidence", told.doc_id, str(out), "--config", config)
    assert code == 0, text
    return out, told.doc_id


async def test_a_bundle_verifies_offline_on_a_copy_and_holds_the_original(
    hub, hub_cfg, pki, tmp_path
) -> None:
    out, doc_id = await _bundle(hub, hub_cfg, pki, tmp_path)
    elsewhere = tmp_path / "elsewhere"  # a copy carried away: no config, no database
    elsewhere.mkdir()
    copy = shutil.copy(out, elsewhere / "evidence.zip")
    code, report = await cli_json("evidence", "verify", str(copy))
    assert code == 0 and report["ok"], report
    assert report["doc_id"] == doc_id
    assert any(fact.startswith("receipt signed by") for fact in report["facts"])
    import zipfile

    with zipfile.ZipFile(copy) as archive:
        names = archive.namelist()
        document = archive.read("document.xml")
    assert {"document.xml", "receipt.xml", "events.json", "chain.json", "seal.json"} <= set(names)
    assert "certificates/hub.pem" in names
    assert any(name.startswith("certificates/trust/") for name in names)
    delivered = await hub.store.document_bytes(doc_id)
    assert document == delivered


async def test_changing_any_byte_of_a_bundle_fails_its_verification(
    hub, hub_cfg, pki, tmp_path
) -> None:
    out, _ = await _bundle(hub, hub_cfg, pki, tmp_path)
    data = out.read_bytes()
    assert evidence.verify(data).ok
    # Every byte of the headers and directory at both ends, and a sample of the rest.
    positions = sorted({*range(0, 200), *range(len(data) - 200, len(data)),
                        *range(200, len(data) - 200, 61)})  # fmt: skip
    for position in positions:
        changed = bytearray(data)
        changed[position] ^= 0x01
        assert not evidence.verify(bytes(changed)).ok, f"byte {position} changed, still valid"
    assert not evidence.verify(data + b"\0").ok
    assert not evidence.verify(data[:-1]).ok


async def test_a_bundle_whose_entries_are_rewritten_consistently_still_fails(
    hub, hub_cfg, pki, tmp_path
) -> None:
    """Re-zipping with a forged entry (and its manifest line fixed) breaks the proof itself."""
    import hashlib
    import json
    import zipfile

    out, _ = await _bundle(hub, hub_cfg, pki, tmp_path)
    with zipfile.ZipFile(out) as archive:
        files = [(info.filename, archive.read(info)) for info in archive.infolist()]
    named = dict(files)
    events = json.loads(named["events.json"])
    events[-1]["code"] = "06"  # claim the recipient reported 06, not 03
    named["events.json"] = json.dumps(events).encode()
    manifest = json.loads(named["manifest.json"])
    manifest["files"]["events.json"] = hashlib.sha256(named["events.json"]).hexdigest()
    named["manifest.json"] = json.dumps(manifest).encode()
    forged = evidence.write_zip([(name, named[name]) for name, _ in files])
    report = evidence.verify(forged)
    assert not report.ok
    assert any("its content is not what the chain holds" in p for p in report.problems)


async def test_evidence_for_an_unknown_document_is_an_error(hub, hub_cfg, tmp_path) -> None:
    config = str(write_config(hub_cfg, tmp_path / "cli.toml"))
    code, _ = await cli("evidence", "no-such-doc", str(tmp_path / "x.zip"), "--config", config)
    assert code == 2 and not (tmp_path / "x.zip").exists()


async def test_a_package_another_hub_handed_over_has_evidence_that_verifies(
    hub, hub_cfg, pki, tmp_path
) -> None:
    """The hub stores such a package with its own TraceHeader added (docs/tiers.md), so the
    stored bytes are not the bytes received: the bundle must still prove them."""
    from datetime import datetime

    from axis.edxml.trace import append_trace
    from tests.hub.conftest import A, B, document, package_bytes

    stamp = datetime.now().astimezone().strftime("%Y/%m/%d %H:%M:%S")
    data = append_trace(package_bytes(pki, document(B, (A,))), "00.47.W00", stamp)
    reply = await hub.client(B).send_edoc(data, B)
    assert reply["status"] == "OK", reply
    stored = await hub.store.document_bytes(str(reply["DocId"]))
    assert stored != data and b"vxp.national" in (stored or b"")  # this hub's hop added
    config = str(write_config(hub_cfg, tmp_path / "cli.toml"))
    out = tmp_path / "forwarded.zip"
    code, text = await cli("evidence", str(reply["DocId"]), str(out), "--config", config)
    assert code == 0, text
    code, report = await cli_json("evidence", "verify", str(out))
    assert code == 0 and report["ok"], report
