"""The repository explains itself: nothing points outside it, every citation lands.

Comments and docs cite ``docs/domain.md §N`` (the domain) and ``docs/architecture.md principle
N`` (the principles). These tests fail on a mention of the reference files the project once
relied on from outside the repository, on a path that leaves the repository, and on a citation
of a section or principle that does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Generated or local, not part of the repository (see .gitignore); in a git worktree
# ".git" is a file holding the path of the main repository.
SKIPPED_DIRS = {
    ".git",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    ".hypothesis",
    "var",
    "build",
    "dist",
    "prof",
}

# Spelled in pieces so that this file does not match itself.
OUTSIDE = re.compile(
    "|".join(
        (
            re.escape("DOMAIN" + ".md"),
            re.escape("STYLE" + ".md"),
            re.escape(".." + "/shared"),
            re.escape("/work" + "/"),
            r"[\"']" + "shared" + r"[\"']\s*/",  # a Path joined to the shared folder
        )
    )
)

DOMAIN_CITATION = re.compile(r"docs/domain\.md\s+((?:§\d+)(?:\s*(?:/|,|and)\s*§\d+)*)")
PRINCIPLE_CITATION = re.compile(r"docs/architecture\.md\s+principles?\s+(\d+)")

DOMAIN_SECTIONS = {
    1: "The system",
    2: "Agency identifiers",
    3: "The document package",
    4: "The signature",
    5: "The status package",
    6: "The wire protocol",
    7: "Business rules",
    8: "The provincial side",
}


def repository_texts() -> Iterator[tuple[Path, str]]:
    """Every text file of the repository, generated and local directories left out."""
    for path in sorted(ROOT.rglob("*")):
        parts = path.relative_to(ROOT).parts
        if any(p in SKIPPED_DIRS or p.endswith(".egg-info") for p in parts):
            continue
        if parts[:2] == ("bench", "out"):  # benchmark output
            continue
        if not path.is_file() or path.name.endswith((".pyc", ".png")):
            continue
        try:
            yield path, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # binary: keys, databases, images
            continue


def hits(pattern: re.Pattern[str]) -> Iterator[tuple[str, re.Match[str]]]:
    for path, text in repository_texts():
        for number, line in enumerate(text.splitlines(), 1):
            for match in pattern.finditer(line):
                yield f"{path.relative_to(ROOT)}:{number}", match


def headings(doc: str, pattern: str) -> dict[int, str]:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    return {int(n): title for n, title in re.findall(pattern, text, re.MULTILINE)}


def test_no_file_points_outside_the_repository() -> None:
    found = [f"{where}: {m.group(0)}" for where, m in hits(OUTSIDE)]
    assert not found, "cite docs/domain.md or docs/architecture.md instead:\n" + "\n".join(found)


def test_the_file_walk_sees_the_code_and_the_docs() -> None:
    seen = {path.relative_to(ROOT).as_posix() for path, _ in repository_texts()}
    assert {"axis/intake/pipeline.py", "docs/decisions.md", "tests/support/vxp_client.py"} <= seen
    assert not any(name.startswith(".venv/") for name in seen)


def test_docs_domain_md_has_the_eight_numbered_sections() -> None:
    sections = headings("domain.md", r"^## (\d+)\. (.+)$")
    assert sorted(sections) == list(DOMAIN_SECTIONS)
    for number, title in DOMAIN_SECTIONS.items():
        assert sections[number].startswith(title), (number, sections[number])


def test_every_docs_domain_md_citation_names_an_existing_section() -> None:
    sections = headings("domain.md", r"^## (\d+)\. (.+)$")
    cited = [
        (where, int(n)) for where, m in hits(DOMAIN_CITATION) for n in re.findall(r"§(\d+)", m[1])
    ]
    assert len(cited) > 50, "the scan found too few citations: the pattern is wrong"
    missing = [f"{where}: §{n}" for where, n in cited if n not in sections]
    assert not missing, missing


def test_every_architecture_principle_citation_names_an_existing_principle() -> None:
    principles = headings("architecture.md", r"^(\d)\. \*\*(.+?)\*\*")
    assert sorted(principles) == [1, 2, 3, 4, 5]
    cited = [(where, int(m[1])) for where, m in hits(PRINCIPLE_CITATION)]
    assert cited, "the scan found no principle citations: the pattern is wrong"
    missing = [f"{where}: principle {n}" for where, n in cited if n not in principles]
    assert not missing, missing
