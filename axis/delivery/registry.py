"""Delivery adapters by name: the ``axis.delivery`` entry points, and each push system's adapter.

``adapters_for(cfg)`` builds one adapter per push system from its ``[delivery.systems."ID"]``
table (the adapter validates its own settings and raises ConfigError), plus, on a hub with
[upstream] url, the ``upstream`` adapter under ``upstream:<name>`` (forwarding up is a push
endpoint of the same queue manager, docs/tiers.md); the hub does it at start, ``axis
check-config`` does it to show them. ``policies_for`` gives hub hops their own Policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any

from axis.config import Config, push_systems
from axis.delivery import ENTRY_POINT_GROUP, Adapter, HopSettings
from axis.delivery.queue import Policy
from axis.errors import ConfigError

DEFAULT_ADAPTER = "http-push"


def available() -> dict[str, Any]:
    """Adapter name -> its entry point (not loaded)."""
    return {point.name: point for point in entry_points(group=ENTRY_POINT_GROUP)}


def adapter_class(name: str) -> Any:
    found = available()
    if name not in found:
        raise ConfigError(
            f"no delivery adapter {name!r}; installed: {', '.join(sorted(found)) or 'none'}"
        )
    return found[name].load()


def build(system_id: str, settings: Mapping[str, Any]) -> Adapter:
    name = str(settings.get("adapter", DEFAULT_ADAPTER))
    adapter: Adapter = adapter_class(name).from_settings({**settings, "system_id": system_id})
    return adapter


def adapters_for(cfg: Config, secrets: Mapping[str, str] | None = None) -> dict[str, Adapter]:
    """One adapter per push system. ``secrets`` (system id -> SDK secret) fills in a missing
    ``secret``: by default the hub signs pushes with the system's own SDK secret."""
    built: dict[str, Adapter] = {}
    for system_id, settings in push_systems(cfg).items():
        given = dict(settings)
        if not given.get("secret") and secrets and secrets.get(system_id):
            given["secret"] = secrets[system_id]
        built[system_id] = build(system_id, given)
    if cfg.upstream.url:
        from axis.delivery.upstream import UpstreamAdapter

        upstream = UpstreamAdapter(cfg)
        built[upstream.route] = upstream
    return built


def policies_for(cfg: Config, adapters: Mapping[str, Adapter]) -> dict[str, Policy]:
    """A hub hop's Policy for every adapter that hands packages to another hub."""
    found = {}
    for key, adapter in adapters.items():
        hop = getattr(adapter, "hop", None)
        if isinstance(hop, HopSettings):
            found[key] = Policy.hop(hop.max_in_flight, hop.lease_s, hop.retry_max_s)
    return found


def describe(cfg: Config) -> list[str]:
    """One line per connected system with a delivery setting, its adapter validated."""
    lines = []
    for system_id, settings in sorted(cfg.delivery.systems.items()):
        mode = settings.get("mode", "pull")
        if mode == "push":
            build(system_id, settings)
            shown = {k: v for k, v in settings.items() if k != "secret"}
            secret = "set" if settings.get("secret") else "the system's SDK secret"
            lines.append(f"delivery {system_id}: push {shown} (signing key: {secret})")
        else:
            lines.append(f"delivery {system_id}: pull")
    return lines
