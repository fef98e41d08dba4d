"""The endpoint's TOML config -> frozen dataclasses; unknown keys are errors.

One endpoint is one connected system (``[hub] system_id`` + secret) serving one or more
agencies (``[[agencies]]``), each with its own signing key and certificate.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from adapters.qoffice.defects import Defects
from adapters.vxp.settings import ConfigError, HubSection, section


@dataclass(frozen=True)
class EndpointSection:
    listen: str = "127.0.0.1:0"
    # Holds qoffice.sqlite3 and ``port`` (the bound port, written once listening).
    data_dir: str = "var/qoffice"
    # Bearer token for the endpoint's own API (required; the HTML views need it too).
    token: str = ""


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
    # TEST-ONLY broken variants for the conformance kit (adapters/qoffice/defects.py)
    defects: Defects = field(default_factory=Defects)

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


def load(path: str | Path) -> Config:
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    unknown = set(raw) - {"endpoint", "hub", "agencies", "clerk", "pki_dir", "defects"}
    if unknown:
        raise ConfigError(f"unknown sections {sorted(unknown)}")
    hub = section(HubSection, raw.get("hub", {}), "hub").resolved()
    config = Config(
        endpoint=section(EndpointSection, raw.get("endpoint", {}), "endpoint"),
        hub=hub,
        agencies=tuple(section(Agency, a, "agencies") for a in raw.get("agencies", [])),
        clerk=section(ClerkSection, raw.get("clerk", {}), "clerk"),
        pki_dir=str(raw.get("pki_dir", "")),
        defects=section(Defects, raw.get("defects", {}), "defects").with_environment(),
    )
    _check(config)
    return config


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
