"""The ``[hub]`` config section every adapter shares: where the hub is and who we are there."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

DIALECTS = ("sdk", "gateway")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class HubSection:
    endpoint: str = "http://127.0.0.1:8080"
    system_id: str = ""
    secret: str = ""
    # Instead of ``secret``: read it from the hub's demo var/demo/systems.json.
    systems_json: str = ""
    # Real integrations poll every 15 minutes (docs/domain.md §6).
    poll_interval_s: float = 900.0
    # Frame sendEdoc bodies as the SDK does (file + CRLF, docs/domain.md §6); false only for a
    # hub that does not strip that CRLF.
    sdk_crlf: bool = True
    # Which door of the hub to use: "sdk" (the VXP SDK wire protocol) or "gateway" (the
    # provincial gateway's REST dialect, docs/gateway.md, at these paths).
    dialect: str = "sdk"
    gateway_base_path: str = "/truclienthong/v1.0.0"
    gateway_token_path: str = "/token"

    def resolved(self) -> HubSection:
        """The section with ``secret`` filled in from ``systems_json`` when given that way."""
        if self.dialect not in DIALECTS:
            raise ConfigError(f"[hub] dialect must be one of {', '.join(DIALECTS)}")
        if self.secret or not self.systems_json:
            return self
        entries = json.loads(Path(self.systems_json).read_text(encoding="utf-8"))
        for entry in entries:
            if entry["system_id"] == self.system_id:
                return replace(self, secret=str(entry["secret"]))
        raise ConfigError(f"{self.systems_json} has no system {self.system_id}")


def section(kind: type, raw: dict[str, Any], where: str) -> Any:
    known = {f.name for f in fields(kind)}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"[{where}]: unknown keys {sorted(unknown)}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    return kind(**values)
