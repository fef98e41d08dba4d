"""The dev PKI generator and the ``axis pki init`` / ``axis sign`` commands."""

from __future__ import annotations

import argparse
import stat
from pathlib import Path

import pytest

from axis.commands import pki as pki_command
from axis.commands import sign as sign_command
from axis.pki import devpki
from axis.pki.trust import TrustStore
from axis.pki.xmldsig import verify

from .conftest import package, tree


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="axis")
    subparsers = parser.add_subparsers()
    pki_command.register(subparsers)
    sign_command.register(subparsers)
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_a_rerun_keeps_the_pki_and_only_adds_new_agencies(tmp_path: Path) -> None:
    first = devpki.init(tmp_path, [("000.00.00.H47", "Quảng Nam")], key_type="ec")
    root = first.root.read_bytes()
    key = first.agency("000.00.00.H47").key.read_bytes()
    again = devpki.init(tmp_path, [("000.00.00.H53", "Tây Ninh")], key_type="ec")
    assert again.root.read_bytes() == root
    assert again.agency("000.00.00.H47").key.read_bytes() == key
    assert again.agencies == ("000.00.00.H47", "000.00.00.H53")


def test_force_regenerates_the_pki(tmp_path: Path) -> None:
    first = devpki.init(tmp_path, [], key_type="ec")
    root = first.root.read_bytes()
    assert devpki.init(tmp_path, [], key_type="ec", force=True).root.read_bytes() != root


def test_private_keys_are_readable_by_the_owner_only(pki: devpki.DevPki) -> None:
    for path in (pki.agency("000.00.00.G22").key, pki.hub.key, pki.bad("revoked").key):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_default_agencies_cover_every_tier(pki: devpki.DevPki) -> None:
    assert {"000.00.00.G22", "000.00.00.H47", "000.00.08.H47", "000.00.31.H47"} <= set(pki.agencies)
    assert "000.24.31.H47" in pki.agencies


def test_an_unknown_bad_case_is_a_key_error(pki: devpki.DevPki) -> None:
    with pytest.raises(KeyError):
        pki.bad("stolen")


def test_pki_init_and_sign_commands_produce_a_package_that_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "pki"
    assert (
        _run("pki", "init", str(folder), "--agency", "000.00.00.H53:Tây Ninh", "--key-type", "ec")
        == 0
    )
    assert "000.00.00.H53" in capsys.readouterr().out
    agency = folder / "agencies" / "000.00.00.H53"
    unsigned, signed = tmp_path / "in.edxml", tmp_path / "out.edxml"
    unsigned.write_bytes(package(sender="000.00.00.H53"))
    code = _run(
        "sign",
        "--key", str(agency / "key.pem"),
        "--cert", str(agency / "cert.pem"),
        "--chain", str(agency / "chain.pem"),
        str(unsigned), str(signed),
    )  # fmt: skip
    assert code == 0
    trust = TrustStore.load(folder / "trust")
    verdict = verify(tree(signed.read_bytes()), mode="required", trust=trust)
    assert verdict.signer_agency == "000.00.00.H53"
