"""The ``[hub]`` config section every adapter shares: where the hub is and who we are there."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

DIALECTS = ("sdk", "gateway")


class ConfigError(ValueError):
    pass


DEFAULT_ENDPOINT = "http://127.0.0.1:8080"  # `make run`'s hub (the national one in the network)


@dataclass(frozen=True)
class HubSection:
    # The hub's URL; "" = the one systems_json names for our system (`make run`'s demo network
    # has a hub per province), else DEFAULT_ENDPOINT.
    endpoint: str = ""
    system_id: str = ""
    secret: str = ""
    # Instead of ``secret`` (and ``endpoint``): read them from the demo's var/demo/systems.json.
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
        """The section with ``secret`` and ``endpoint`` filled in from ``systems_json`` when
        they are not set here (the single demo hub's entries name no endpoint: the default)."""
        if self.dialect not in DIALECTS:
            raise ConfigError(f"[hub] dialect must be one of {', '.join(DIALECTS)}")
        entry: dict[str, Any] = {}
        if self.systems_json and not (self.secret and self.endpoint):
            entry = self._entry()
        return replace(
            self,
            secret=self.secret or str(entry.get("secret", "")),
            endpoint=self.endpoint or str(entry.get("endpoint") or DEFAULT_ENDPOINT),
        )

    def _entry(self) -> dict[str, Any]:
        entries = json.loads(Path(self.systems_json).read_text(encoding="utf-8"))
        for entry in entries:
            if entry["system_id"] == self.system_id:
                return dict(entry)
        raise ConfigError(
            f"{self.systems_json} has no system {self.system_id} (is the hub it lists the one "
            "this config was written for? adapters/README.md)"
        )


def section(kind: type, raw: dict[str, Any], where: str) -> Any:
    known = {f.name for f in fields(kind)}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"[{where}]: unknown keys {sorted(unknown)}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    return kind(**values)
