"""The endpoint's TOML config -> frozen dataclasses; unknown keys are errors.

One endpoint is one connected system (``[hub] system_id`` + secret) serving one or more
agencies (``[[agencies]]``), each with its own signing key and certificate.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class EndpointSection:
    listen: str = "127.0.0.1:0"
    # Holds qoffice.sqlite3 and ``port`` (the bound port, written once listening).
    data_dir: str = "var/qoffice"
    # Bearer token for the endpoint's own API (required; the HTML views need it too).
    token: str = ""


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


@dataclass(frozen=True)
class Agency:
    id: str
    name: str = ""
    # PEM files; default <pki_dir>/agencies/<id>/{key,cert,chain}.pem
    key: str = ""
    cert: str = ""
    chain: str = ""


@dataclass(frozen=True)
class ClerkSection:
    """The scripted auto-clerk (adapters/qoffice/clerk.py)."""

    enabled: bool = False
    seed: int = 1
    # Seconds between two actions on one document: uniform in [min, max].
    delay_s: tuple[float, float] = (1.0, 5.0)
    # The statuses it moves each document through, after 01 (sent on arrival).
    steps: tuple[str, ...] = ("03", "04", "05", "06")
    # Probability of refusing (02) a document instead of accepting it.
    refuse_probability: float = 0.0
    # Probability of agreeing (15) rather than refusing (16) a recall or an update.
    accept_change_probability: float = 1.0
    handler: str = "Chuyên viên (tự động)"


@dataclass(frozen=True)
class Config:
    endpoint: EndpointSection
    hub: HubSection
    agencies: tuple[Agency, ...]
    clerk: ClerkSection = field(default_factory=ClerkSection)
    pki_dir: str = ""

    @property
    def data_dir(self) -> Path:
        return Path(self.endpoint.data_dir)

    def agency(self, agency_id: str) -> Agency:
        for agency in self.agencies:
            if agency.id == agency_id:
                return agency
        raise KeyError(agency_id)

    def signing_material(self, agency_id: str) -> tuple[bytes, bytes, bytes]:
        """(key, cert, chain) PEM bytes of one of our agencies."""
        agency = self.agency(agency_id)
        folder = Path(self.pki_dir) / "agencies" / agency_id
        key = Path(agency.key) if agency.key else folder / "key.pem"
        cert = Path(agency.cert) if agency.cert else folder / "cert.pem"
        chain = Path(agency.chain) if agency.chain else folder / "chain.pem"
        return key.read_bytes(), cert.read_bytes(), chain.read_bytes() if chain.exists() else b""


def _section(kind: type, raw: dict[str, Any], where: str) -> Any:
    known = {f.name for f in fields(kind)}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"[{where}]: unknown keys {sorted(unknown)}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    return kind(**values)


def load(path: str | Path) -> Config:
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    unknown = set(raw) - {"endpoint", "hub", "agencies", "clerk", "pki_dir"}
    if unknown:
        raise ConfigError(f"unknown sections {sorted(unknown)}")
    hub = _section(HubSection, raw.get("hub", {}), "hub")
    if not hub.secret and hub.systems_json:
        hub = HubSection(**{**hub.__dict__, "secret": secret_from_systems_json(hub)})
    config = Config(
        endpoint=_section(EndpointSection, raw.get("endpoint", {}), "endpoint"),
        hub=hub,
        agencies=tuple(_section(Agency, a, "agencies") for a in raw.get("agencies", [])),
        clerk=_section(ClerkSection, raw.get("clerk", {}), "clerk"),
        pki_dir=str(raw.get("pki_dir", "")),
    )
    _check(config)
    return config


def secret_from_systems_json(hub: HubSection) -> str:
    entries = json.loads(Path(hub.systems_json).read_text(encoding="utf-8"))
    for entry in entries:
        if entry["system_id"] == hub.system_id:
            return str(entry["secret"])
    raise ConfigError(f"{hub.systems_json} has no system {hub.system_id}")


def _check(config: Config) -> None:
    if not config.endpoint.token:
        raise ConfigError("[endpoint] token is required (bearer token for the endpoint's API)")
    if not (config.hub.system_id and config.hub.secret):
        raise ConfigError("[hub] system_id and secret (or systems_json) are required")
    if not config.agencies:
        raise ConfigError("at least one [[agencies]] entry is required")
    low, high = config.clerk.delay_s
    if not 0 <= low <= high:
        raise ConfigError("[clerk] delay_s must be [min, max] with 0 <= min <= max")
