"""The folder adapter's TOML config: ``[folder] root`` and the shared ``[hub]`` section."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from adapters.vxp.settings import ConfigError, HubSection, section


@dataclass(frozen=True)
class FolderSection:
    # Holds outbox/, sent/, failed/ and inbox/ (created when missing; one file system).
    root: str = "var/folder"


@dataclass(frozen=True)
class Config:
    folder: FolderSection
    hub: HubSection

    @property
    def root(self) -> Path:
        return Path(self.folder.root)


def load(path: str | Path) -> Config:
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    unknown = set(raw) - {"folder", "hub"}
    if unknown:
        raise ConfigError(f"unknown sections {sorted(unknown)}")
    hub = section(HubSection, raw.get("hub", {}), "hub").resolved()
    if not (hub.system_id and hub.secret):
        raise ConfigError("[hub] system_id and secret (or systems_json) are required")
    return Config(section(FolderSection, raw.get("folder", {}), "folder"), hub)
