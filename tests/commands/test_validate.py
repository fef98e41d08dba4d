"""`axis validate`: every real sample gets a definite verdict in both policies, and signed
packages from the dev PKI verify through the CLI exactly as at the hub's door."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from axis.cli import main
from axis.pki import devpki
from axis.pki.xmldsig import sign
from tests.support.packages import make_package
from tests.support.samples import SAMPLES

STATUSES = sorted(p.name for p in SAMPLES.glob("status*.edxml"))

# sample -> (lenient verdict, first code), (strict verdict, first code)
EXPECTED = {
    "edoc.edxml": (("WARN", "2.2.3"), ("REJECT", "5.2.3")),
    "edoc_new.edxml": (("WARN", "2.2.4"), ("REJECT", "5.2.4")),
    "edoc_replacement.edxml": (("WARN", "2.3.4"), ("REJECT", "5.3.4")),
    "edoc_revocation.edxml": (("WARN", "2.3.4"), ("REJECT", "5.3.4")),
    "edoc_update.edxml": (("WARN", "2.4.3"), ("REJECT", "5.4.3")),
    **{name: (("WARN", "2.3.1"), ("REJECT", "5.3.1")) for name in STATUSES},
}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict]]:
    status = main(["validate", "--json", *args])
    lines = capsys.readouterr().out.splitlines()
    return status, [json.loads(line) for line in lines]


def test_every_sample_is_covered_by_the_expectations() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in SAMPLES.glob("*.edxml"))


@pytest.mark.parametrize("policy", ["lenient", "strict"])
def test_every_sample_gets_its_documented_verdict(
    policy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(SAMPLES / name) for name in sorted(EXPECTED)]
    status, results = run_json(capsys, "--policy", policy, *files)
    # lenient accepts every sample with warnings; strict refuses them (prefixes, signatures)
    assert status == (0 if policy == "lenient" else 1)
    column = 0 if policy == "lenient" else 1
    for result in results:
        verdict, code = EXPECTED[Path(result["file"]).name][column]
        first = result["warnings"][0]["code"] if verdict == "WARN" else result["code"]
        assert (result["verdict"], first) == (verdict, code), result


def test_lenient_records_the_decorative_signature_of_every_well_formed_edoc(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [str(SAMPLES / n) for n in EXPECTED if n.startswith("edoc_")]
    _, results = run_json(capsys, "--policy", "lenient", *files)
    for result in results:
        assert result["signature"] == "placeholder"
        assert "2.3.4" in {w["code"] for w in result["warnings"]}


def test_text_output_indents_further_warnings_under_the_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["validate", "--policy", "lenient", str(SAMPLES / "edoc_new.edxml")])
    first, *rest = capsys.readouterr().out.splitlines()
    assert first.startswith(f"{SAMPLES / 'edoc_new.edxml'}: WARN 2.2.4 ")
    assert rest and all(line.startswith("    2.") for line in rest)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> devpki.DevPki:
    return devpki.init(tmp_path_factory.mktemp("pki"))


def signed(pki: devpki.DevPki, tmp_path: Path, sender: str = "000.00.00.H47") -> Path:
    paths = pki.agency(sender)
    data = sign(
        make_package(sender, ["000.00.00.G22"], size_kb=4),
        paths.key.read_bytes(),
        paths.cert.read_bytes(),
        chain_pem=paths.chain.read_bytes(),
    )
    path = tmp_path / "signed.edxml"
    path.write_bytes(data)
    return path


def test_a_dev_pki_signed_package_is_ok_under_strict(
    pki: devpki.DevPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = signed(pki, tmp_path)
    status = main(["validate", "--policy", "strict", "--trust", str(pki.trust_dir), str(path)])
    assert (status, capsys.readouterr().out) == (0, f"{path}: OK\n")


def test_a_tampered_signed_package_is_rejected_5_3_2(
    pki: devpki.DevPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = signed(pki, tmp_path)
    path.write_bytes(path.read_bytes().replace("kiểm thử".encode(), b"kiem thu", 1))
    status, [result] = run_json(
        capsys, "--policy", "strict", "--trust", str(pki.trust_dir), str(path)
    )
    assert (status, result["verdict"], result["code"]) == (1, "REJECT", "5.3.2")


def test_a_signed_package_without_a_trust_store_is_untrusted_5_3_8(
    pki: devpki.DevPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = signed(pki, tmp_path)
    empty = tmp_path / "empty-trust"
    empty.mkdir()
    status, [result] = run_json(capsys, "--policy", "strict", "--trust", str(empty), str(path))
    assert (status, result["code"]) == (1, "5.3.8")


def test_an_unreadable_file_is_rejected_5_1_9(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, [result] = run_json(capsys, str(tmp_path / "missing.edxml"))
    assert (status, result["code"]) == (1, "5.1.9")


def test_a_missing_trust_directory_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["validate", "--trust", str(tmp_path / "nope"), str(SAMPLES / "status.edxml")])
    assert status == 2
    assert "axis pki init" in capsys.readouterr().err
