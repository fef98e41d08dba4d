"""The documentation that is generated or promised stays true to the code."""

from __future__ import annotations

import re
from pathlib import Path

from axis import config as config_mod
from axis.errors import CATALOGUE, markdown_table

ROOT = Path(__file__).resolve().parents[2]


def test_docs_codes_md_is_the_generated_catalogue() -> None:
    assert (ROOT / "docs" / "codes.md").read_text(encoding="utf-8") == markdown_table(), (
        "regenerate: axis codes --markdown > docs/codes.md"
    )


def test_every_code_the_code_raises_is_in_the_catalogue() -> None:
    used = set()
    for path in (ROOT / "axis").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'(?:Rejected|Finding|Deferred|relaxed)\(\s*"(\d\.\d+\.\d+)"', text))
    assert used, "the scan found no codes: the pattern is wrong"
    assert used <= set(CATALOGUE), sorted(used - set(CATALOGUE))


def test_config_toml_documents_every_key_with_its_default() -> None:
    shipped = config_mod.load(ROOT / "config.toml")
    assert shipped == config_mod.Config()
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    for key, _, _ in config_mod.effective(shipped):
        section, name = key.split(".")
        assert re.search(rf"^\[{section}\]", text, re.M), section
        assert re.search(rf"^{name}\s*=", text, re.M), key


def test_the_readme_quickstart_has_exactly_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quickstart", 1)[1].split("```")[1]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
