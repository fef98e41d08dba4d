"""`axis operators add NAME` reads the password (stdin when not a terminal), stores its
Argon2id hash only, and that operator can log in; on both backends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from axis.config import Config
from tests.console.conftest import Browserless

NAME, PASSWORD = "it.tran", "a long enough passphrase"


def _axis(config: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "axis", "operators", "--config", str(config), *args],
        input=stdin, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def _config_file(cfg: Config, tmp_path: Path) -> Path:
    path = tmp_path / "operators.toml"
    path.write_text(
        f'[hub]\ndata_dir = "{cfg.hub.data_dir}"\n[store]\nbackend = "{cfg.store.backend}"\n'
        f'path = "{cfg.store.path}"\ndsn = "{cfg.store.dsn}"\n',
        encoding="utf-8",
    )
    return path


async def test_an_operator_added_by_the_command_can_log_in(
    console_hub, console_cfg, tmp_path
) -> None:
    config = _config_file(console_cfg, tmp_path)
    short = _axis(config, "add", NAME, stdin="short\n")
    assert short.returncode == 1 and "at least 12" in short.stderr
    added = _axis(config, "add", NAME, stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert f"operator {NAME} added" in added.stdout
    listed = _axis(config, "list")
    assert NAME in listed.stdout and PASSWORD not in listed.stdout
    stored = await console_hub.store.operator_hash(NAME)
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored

    browser = Browserless(console_hub.endpoint)
    try:
        assert (await browser.login(NAME, PASSWORD)).status == 303
        # A new password ends the operator's sessions.
        assert _axis(config, "add", NAME, stdin="another long passphrase\n").returncode == 0
        assert (await browser.get("/console/documents"))[0] == 303
    finally:
        await browser.close()


def test_admin_token_prints_the_token_once_and_its_hash_line(tmp_path) -> None:
    import hashlib

    out = _axis(tmp_path / "none.toml", "admin-token").stdout
    token = out.split("(shown once): ", 1)[1].split()[0]
    assert f'admin_token_sha256 = "{hashlib.sha256(token.encode()).hexdigest()}"' in out
