"""config.toml -> frozen dataclasses. Every default lives here; unknown keys are errors.

The config is read once at start (``load``) and passed explicitly; there is no global config.
``axis check-config`` prints the effective settings and marks which are defaults.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from axis.errors import ConfigError

Policy = Literal["strict", "lenient"]
SignatureMode = Literal["required", "optional", "off", "policy"]


@dataclass(frozen=True)
class HubConfig:
    listen: str = "127.0.0.1:8080"
    data_dir: str = "var"
    # Seconds in-flight requests get to finish on shutdown.
    shutdown_grace_s: float = 10.0
    # Threads that run parse/schema/verify off the event loop.
    workers: int = 4
    # uvloop | asyncio: the event loop implementation (uvloop: less overhead per request).
    event_loop: Literal["uvloop", "asyncio"] = "uvloop"
    # Requests handled at once before answering 503 4.7.2.
    max_concurrent_requests: int = 256
    # One system's share (docs/security.md): requests in flight at once (beyond: 503 4.7.5),
    # and requests per second with bursts up to system_burst (beyond: 429 4.7.6).
    max_in_flight_per_system: int = 32
    requests_per_s_per_system: float = 100.0
    system_burst: int = 200
    # Connections from one address that have not yet carried an authenticated request.
    max_unauthenticated_connections_per_peer: int = 64
    # Seconds a connection may sit idle or take to send its request headers.
    header_timeout_s: float = 15.0
    # A request body must never pause longer than body_idle_timeout_s, and must be complete
    # within body_deadline_s + its size / body_min_bytes_per_s (408 5.1.11).
    body_idle_timeout_s: float = 15.0
    body_deadline_s: float = 30.0
    body_min_bytes_per_s: int = 32768
    # Hub key.pem + cert.pem that sign transport receipts (/getReceipt); "" = data_dir/pki/hub.
    key_dir: str = ""


@dataclass(frozen=True)
class IntakeConfig:
    # strict: refuse what the standard forbids; lenient: accept real-world quirks with warnings.
    policy: Policy = "lenient"
    # Applied while the body streams in, before any parsing (5.1.1).
    max_body_bytes: int = 64 * 1024 * 1024
    max_depth: int = 64
    # Longest single header value accepted (5.1.7).
    max_header_bytes: int = 8192
    # Refuse business statuses out of order (5.6.7, docs/business-rules.md); false = only log.
    enforce_status_order: bool = True


@dataclass(frozen=True)
class SignatureConfig:
    # required | optional | off | policy ("policy": required under strict, optional under lenient).
    mode: SignatureMode = "policy"
    # Allow SHA-1 digests/signatures (flagged legacy, 2.3.6) as real 2019-era packages declare.
    allow_legacy: bool = False
    # Folder of trust anchors (*.pem root certificates) and CRLs (*.crl.pem); empty = data_dir/pki/trust.
    trust_dir: str = ""
    # Per sending agency overrides, e.g. {"000.00.00.H47" = "optional"}.
    per_sender: dict[str, str] = field(default_factory=dict)
    # Require the signer certificate to name the From agency (subject serialNumber/OU/CN).
    require_agency_match: bool = True


@dataclass(frozen=True)
class AuthConfig:
    # XroadVnpt-timestamp carries no zone (docs/domain.md §6): read it in this IANA zone; "" = hub's local zone.
    timezone: str = ""
    # Accepted clock difference either side, seconds (5.8.3).
    timestamp_window_s: int = 300


@dataclass(frozen=True)
class StoreConfig:
    # sqlite: one embedded file, one process. postgres: several hub nodes on one database.
    backend: Literal["sqlite", "postgres"] = "sqlite"
    # SQLite file; relative paths are under hub.data_dir.
    path: str = "axis.db"
    # PostgreSQL connection string (backend = "postgres"), e.g. postgresql://axis@db1:5432/axis.
    dsn: str = ""
    # PostgreSQL connections per hub process (each in-flight package holds one while it stores).
    pool_size: int = 10
    # Seconds a 503 asks clients to wait when the store cannot write.
    retry_after_s: int = 30
    # Seconds `axis serve` waits at start for a store that is unavailable (PostgreSQL restarting
    # or failing over) before it gives up; 0 = fail at once.
    start_wait_s: float = 60.0
    # Days a recorded refusal (the refusals table) is kept; older rows go at the next insert.
    refusals_keep_days: int = 90


@dataclass(frozen=True)
class LogConfig:
    # json | console | auto (console on a terminal, json otherwise).
    format: Literal["json", "console", "auto"] = "auto"
    level: str = "info"


@dataclass(frozen=True)
class DemoConfig:
    # Seed a demo directory, systems and dev PKI on first start (make run).
    enabled: bool = False


@dataclass(frozen=True)
class DirectoryConfig:
    # Which agencies a system may register (registerAgency, docs/decisions.md): "own-units" =
    # only ids whose level-1 unit (L##, e.g. H47) is one it already serves; "any" = any unit.
    register_scope: Literal["own-units", "any"] = "own-units"


@dataclass(frozen=True)
class UpstreamConfig:
    # The hub this one bridges to (docs/tiers.md). url "" = no upstream: this is the national
    # hub. Otherwise this hub is a provincial (or lower) hub and, to its upstream, one connected
    # system (system_id 00.<n>.W00 and its secret there) speaking the SDK API.
    url: str = ""
    name: str = "national"  # deliveries routed up record route "upstream:<name>"
    system_id: str = ""
    secret: str = ""
    poll_interval_s: float = 2.0  # how often the bridge lists what waits upstream
    retry_max_s: float = 60.0  # backoff ceiling while the upstream is down
    sync_interval_s: float = 300.0  # directory sync (registerAgency + getAgenciesList)
    # Forwarding up runs in the queue manager (endpoint upstream:<name>): packages sent up at
    # once, and seconds one forward stays leased (short: a resend is deduplicated upstream, so
    # a restarted hub resends what it held within this; docs/decisions.md).
    max_in_flight: int = 16
    lease_s: float = 30.0


@dataclass(frozen=True)
class TiersConfig:
    # This hub's OrganId in TraceHeaders; "" = upstream.system_id, or "vxp.national" without
    # an upstream. A package whose trace already holds it is a loop (5.5.12).
    hub_id: str = ""
    hop_limit: int = 8  # TraceHeaders a package may carry on arrival (5.5.13)


@dataclass(frozen=True)
class GatewayConfig:
    """The provincial gateway's REST dialect beside the SDK API (axis/gateway, docs/gateway.md)."""

    enabled: bool = True
    # Where vanbans and donvilienthongs live.
    base_path: str = "/truclienthong/v1.0.0"
    # The OAuth2 client-credentials token endpoint.
    token_path: str = "/token"
    # Seconds a bearer token is valid.
    token_ttl_s: int = 3600
    # GET donvilienthongs/<name>: short province names -> unit (L##); an L## works as is.
    provinces: dict[str, str] = field(default_factory=lambda: {"qn": "H47"})


@dataclass(frozen=True)
class DeliveryConfig:
    """Push delivery and its queue manager (docs/delivery.md)."""

    # Seconds the queue manager sleeps when nothing is due.
    poll_interval_s: float = 1.0
    # Deliveries handed to adapters at once, in all, and per connected system (endpoint).
    max_in_flight: int = 64
    max_in_flight_per_endpoint: int = 4
    # Seconds before the 1st, 2nd, ... retry after a temporary failure; the last repeats.
    backoff_s: list[float] = field(default_factory=lambda: [30.0, 120.0, 600.0, 1800.0, 3600.0])
    # Each wait is stretched or shrunk by up to this fraction at random (no thundering herd).
    jitter: float = 0.2
    # Seconds after acceptance a push delivery may keep failing before it expires.
    lifetime_s: float = 432000.0
    # Consecutive temporary failures that open an endpoint's circuit, and seconds it stays
    # open before one probe delivery is let through (half-open).
    circuit_failures: int = 5
    circuit_open_s: float = 60.0
    # Seconds a taken delivery stays leased to this node; a node that dies mid-push lets it
    # come due again after this (longer than any adapter's timeout).
    lease_s: float = 300.0
    # Due deliveries read from the store per query (memory stays flat however long the queue).
    page_size: int = 100
    # The status a sender gets when a delivery expires or is refused for good: "02" (a
    # hub-signed status 02, docs/delivery.md "What the sender sees") or "off" (sent list only).
    failure_status: str = "02"
    # Per connected system: {mode = "pull" | "push", adapter = "http-push", ...adapter settings}.
    systems: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class EventLogConfig:
    # The hop name every event recorded here carries (docs/delivery-log.md); "" = this hub's
    # id on TraceHeaders (tiers.hub_id), so each hub of a network names itself.
    hub_name: str = ""
    # PostgreSQL: seconds between links of committed events into the chain (every node runs
    # the chainer; docs/decisions.md "One chain on a shared PostgreSQL").
    chain_every_s: float = 0.5
    # Seconds between hub-signed seals of the chain (the hub key of hub.key_dir); 0 = no sealer.
    seal_every_s: float = 60.0
    # The delivery log is always written; false only to measure its cost (bench/eventlog.py).
    enabled: bool = True
    # Public holidays (YYYY-MM-DD) that are not working days for `axis stats` (Decree 30/2020:
    # Monday-Friday otherwise); docs/decisions.md "Working days and holidays".
    holidays: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ConsoleConfig:
    # The IT staff console under /console/ (docs/console.md); off: no console route at all.
    enabled: bool = False
    # Seconds a console session lasts after login (absolute; then log in again).
    session_ttl_s: int = 8 * 3600
    # Session cookies only over HTTPS (a TLS reverse proxy in front); false only for loopback tests.
    cookie_secure: bool = True
    # SHA-256 (hex) of the admin API's bearer token (`axis operators admin-token` makes one);
    # "" = no admin API at all.
    admin_token_sha256: str = ""
    # GET /metrics in Prometheus format (restrict it at the reverse proxy).
    metrics: bool = True
    # Seconds between recounts of the store's totals (statistics, /metrics); 0 = on every read.
    counts_refresh_s: float = 15.0
    # Overdue acknowledgements: a recipient without status 01 by the end of the working day
    # (Monday to Friday, at this local time in this zone) is overdue.
    working_day_end: str = "17:00"
    timezone: str = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class Config:
    hub: HubConfig = field(default_factory=HubConfig)
    intake: IntakeConfig = field(default_factory=IntakeConfig)
    signature: SignatureConfig = field(default_factory=SignatureConfig)
    auth: AuthConfig = field(default_factory=AuthConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    log: LogConfig = field(default_factory=LogConfig)
    demo: DemoConfig = field(default_factory=DemoConfig)
    directory: DirectoryConfig = field(default_factory=DirectoryConfig)
    upstream: UpstreamConfig = field(default_factory=UpstreamConfig)
    tiers: TiersConfig = field(default_factory=TiersConfig)
    gateway: GatewayConfig = field(default_factory=GatewayConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    eventlog: EventLogConfig = field(default_factory=EventLogConfig)
    console: ConsoleConfig = field(default_factory=ConsoleConfig)

    @property
    def hub_id(self) -> str:
        """This hub's OrganId in TraceHeaders (docs/tiers.md, loops)."""
        return self.tiers.hub_id or self.upstream.system_id or "vxp.national"

    @property
    def hop_name(self) -> str:
        """The hop this hub's events carry: eventlog.hub_name, else its hub id."""
        return self.eventlog.hub_name or self.hub_id

    @property
    def data_dir(self) -> Path:
        return Path(self.hub.data_dir)

    def signature_mode_for(self, sender: str) -> str:
        """required | optional | off for one sending agency (per_sender, then mode, then policy)."""
        mode = self.signature.per_sender.get(sender, self.signature.mode)
        if mode == "policy":
            return "required" if self.intake.policy == "strict" else "optional"
        return mode


_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("hub", "event_loop"): ("uvloop", "asyncio"),
    ("intake", "policy"): ("strict", "lenient"),
    ("signature", "mode"): ("required", "optional", "off", "policy"),
    ("store", "backend"): ("sqlite", "postgres"),
    ("log", "format"): ("json", "console", "auto"),
    ("directory", "register_scope"): ("own-units", "any"),
}


def _section(name: str, cls: type, raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"[{name}] must be a table")
    known = {f.name: f for f in fields(cls)}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"unknown key {name}.{key}; known keys: {', '.join(known)}")
        default = getattr(cls(), key)
        if isinstance(default, bool) != isinstance(value, bool) or (
            not isinstance(default, bool)
            and not isinstance(value, type(default))
            and not (isinstance(default, float) and isinstance(value, int))
        ):
            raise ConfigError(f"{name}.{key} must be {type(default).__name__}, got {value!r}")
        choices = _CHOICES.get((name, key))
        if choices and value not in choices:
            raise ConfigError(f"{name}.{key} must be one of {', '.join(choices)}, got {value!r}")
    if name == "delivery":
        _check_delivery(raw)
    if name == "signature":
        for sender, mode in raw.get("per_sender", {}).items():
            if mode not in ("required", "optional", "off"):
                raise ConfigError(f"signature.per_sender.{sender} must be required|optional|off")
    if name == "gateway":
        for key in ("base_path", "token_path"):
            path = raw.get(key, getattr(cls(), key))
            if not path.startswith("/") or path.endswith("/") or "{" in path:
                raise ConfigError(f"gateway.{key} must start with / and not end with /: {path!r}")
    return cls(**raw)


def _check_delivery(raw: dict[str, Any]) -> None:
    """The shape of [delivery]; each adapter checks its own settings (axis/delivery/registry.py)."""
    backoff = raw.get("backoff_s", [1.0])
    if not backoff or not all(isinstance(s, int | float) and s >= 0 for s in backoff):
        raise ConfigError("delivery.backoff_s must be a non-empty list of seconds >= 0")
    if raw.get("failure_status", "02") not in ("02", "off"):
        raise ConfigError('delivery.failure_status must be "02" or "off"')
    for system_id, settings in raw.get("systems", {}).items():
        if not isinstance(settings, dict):
            raise ConfigError(f"delivery.systems.{system_id} must be a table")
        mode = settings.get("mode", "pull")
        if mode not in ("pull", "push"):
            raise ConfigError(f"delivery.systems.{system_id}.mode must be pull or push")
        if mode == "push" and not isinstance(settings.get("adapter", "http-push"), str):
            raise ConfigError(f"delivery.systems.{system_id}.adapter must be an adapter name")


def push_systems(cfg: Config) -> dict[str, dict[str, Any]]:
    """The connected systems delivered by push: system id -> their settings."""
    return {
        system_id: settings
        for system_id, settings in cfg.delivery.systems.items()
        if settings.get("mode", "pull") == "push"
    }


def from_dict(raw: dict[str, Any]) -> Config:
    sections = {f.name: f.type for f in fields(Config)}
    parts: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in sections:
            raise ConfigError(f"unknown section [{name}]; known sections: {', '.join(sections)}")
        cls = type(getattr(Config(), name))
        parts[name] = _section(name, cls, value)
    return Config(**parts)


def load(path: str | Path | None) -> Config:
    """Read a config file (None = all defaults). Raises ConfigError naming the bad key."""
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return from_dict(raw)


def replace(config: Config, section: str, **changes: Any) -> Config:
    """A copy of ``config`` with some keys of one section changed (CLI flags, tests)."""
    updated = dataclasses.replace(getattr(config, section), **changes)
    return dataclasses.replace(config, **{section: updated})


def effective(config: Config) -> list[tuple[str, Any, bool]]:
    """(dotted key, value, is_default) for every setting, for ``axis check-config``."""
    rows = []
    defaults = Config()
    for section in fields(Config):
        current, default = getattr(config, section.name), getattr(defaults, section.name)
        for f in fields(current):
            value = getattr(current, f.name)
            rows.append((f"{section.name}.{f.name}", value, value == getattr(default, f.name)))
    return rows
