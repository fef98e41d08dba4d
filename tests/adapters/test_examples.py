"""The example configs adapters/README.md points at load against `make run`'s demo layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.folder import config as folder_config
from adapters.qoffice import config as qoffice_config
from axis.directory import demo

EXAMPLES = Path(__file__).resolve().parents[2] / "adapters" / "examples"


@pytest.fixture
def demo_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    systems = [{"system_id": s, "secret": f"secret-{s}", "agencies": list(a)}
               for s, (_, a) in demo.SYSTEMS.items()]  # fmt: skip
    (tmp_path / "var" / "demo").mkdir(parents=True)
    (tmp_path / "var" / "demo" / "systems.json").write_text(json.dumps(systems))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_examples_load_and_name_demo_agencies_their_system_serves(demo_var: Path) -> None:
    for name in ("qoffice-h47.toml", "qoffice-h41.toml"):
        cfg = qoffice_config.load(EXAMPLES / name)
        assert cfg.hub.secret == f"secret-{cfg.hub.system_id}"
        served = demo.SYSTEMS[cfg.hub.system_id][1]
        assert all(agency.id in served for agency in cfg.agencies)
    folder = folder_config.load(EXAMPLES / "folder-g22.toml")
    assert folder.hub.secret == "secret-00.00.G22"


def test_a_config_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[folder]\nroot = "x"\nrot = "typo"\n[hub]\nsystem_id = "a"\nsecret = "b"\n')
    with pytest.raises(ValueError, match="rot"):
        folder_config.load(path)
