"""The demo national network (``make run``; docs/tiers.md "Seeing it"): the national hub plus
two provincial hubs, Quảng Nam (H47) and Nghệ An (H41), each on its own loopback port.

The national hub serves the central bodies' systems and knows each province as one connected
system (``00.47.W00``, ``00.41.W00``: docs/domain.md §2 connection centres) serving all of the
province's agencies; it has no [upstream]. Each provincial hub serves its own agencies through
three demo DMS systems (``00.<n>.D01``: the People's Committee and departments; ``00.<n>.D02``:
district 31 and its communes; ``00.<n>.D03``: district 32 and its communes), reaches every other
agency through upstream ``national``, and bridges there with its connection-centre id and
secret. One dev PKI signs for every agency and every hub trusts it; besides its bad-certificate
set for 000.00.00.H47 it has one for 000.00.00.G22 and one for 000.00.00.H41, so the
conformance kit finds a served agency with bad certificates on each hub (docs/conformance.md
"The demo network"). ``<base>/demo/systems.json`` lists each demo system with its hub and
endpoint.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from axis.config import Config, from_dict
from axis.directory import demo
from axis.directory.credentials import new_system_secret
from axis.directory.registry import unit
from axis.store import open_store
from axis.store.base import AgencyRow

NATIONAL = "national"
# Agencies with a bad-certificate set of their own (bad/<agency>/<case>/) besides H47's
# bad/<case>/: the national hub's G22 and Nghệ An's H41 (docs/conformance.md).
BAD_CERT_AGENCIES = ("000.00.00.G22", "000.00.00.H41")


@dataclass(frozen=True)
class HubPlan:
    name: str  # national | h47 | h41
    port: int
    data_dir: Path
    config: dict[str, dict[str, object]]  # sections beyond [hub] listen/data_dir and [log]

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _province_systems(code: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    rows = demo._province(code, demo.PROVINCES[code])
    n = code[1:]
    top = [r[0] for r in rows if r[0] == f"000.00.00.{code}" or r[0] in _departments(code)]
    district = {d: tuple(r[0] for r in rows if r[0].endswith(f".{d}.{code}")) for d in (31, 32)}
    name = demo.PROVINCES[code]
    return {
        f"00.{n}.D01": (f"QLVB UBND tỉnh {name} và các sở (demo)", tuple(top)),
        f"00.{n}.D02": (f"QLVB huyện 31 và các xã, tỉnh {name} (demo)", district[31]),
        f"00.{n}.D03": (f"QLVB huyện 32 và các xã, tỉnh {name} (demo)", district[32]),
    }


def _departments(code: str) -> set[str]:
    return {f"000.00.{d:02d}.{code}" for d in (8, 12)}


async def seed(base: Path, ports: dict[str, int], *, poll_s: float = 1.0) -> list[HubPlan]:
    """Seed the three hubs under ``base`` (idempotent; secrets kept) and return their plans."""
    demo_dir = base / "demo"
    demo_dir.mkdir(parents=True, exist_ok=True)
    rows = demo.agencies()
    from axis.pki import devpki

    pki = devpki.init(
        demo_dir / "pki", [(row.id, row.name) for row in rows], bad_agencies=BAD_CERT_AGENCIES
    )
    previous = demo._read_secrets(demo_dir / "systems.json")
    secret = lambda system: previous.get(system) or new_system_secret()  # noqa: E731
    common: dict[str, dict[str, object]] = {"signature": {"trust_dir": str(pki.trust_dir)}}
    national = HubPlan(NATIONAL, ports[NATIONAL], base / NATIONAL, {**common})
    plans, entries = [national], []
    national_secrets = await _seed_hub(
        national, pki.directory, rows, demo.SYSTEMS, {s: secret(s) for s in demo.SYSTEMS}
    )
    for system, (_, served) in demo.SYSTEMS.items():
        if not system.endswith(".W00") or system == "00.00.W00":
            entries.append(_entry(system, national_secrets[system], served, national))
    for code in demo.PROVINCES:
        name = f"h{code[1:]}"
        hub_system = f"00.{code[1:]}.W00"
        upstream = {
            "url": national.endpoint, "name": NATIONAL, "system_id": hub_system,
            "secret": national_secrets[hub_system], "poll_interval_s": poll_s,
        }  # fmt: skip
        plan = HubPlan(name, ports[name], base / name, {**common, "upstream": upstream})
        systems = _province_systems(code)
        local = [
            row if unit(row.id) == code else replace(row, system_id=None, upstream=NATIONAL)
            for row in rows
        ]
        owner = {a: s for s, (_, ids) in systems.items() for a in ids}
        local = [replace(r, system_id=owner[r.id]) if r.id in owner else r for r in local]
        keys = await _seed_hub(plan, pki.directory, local, systems, {s: secret(s) for s in systems})
        entries += [_entry(s, keys[s], ids, plan) for s, (_, ids) in systems.items()]
        plans.append(plan)
    demo._write_private(
        demo_dir / "systems.json", json.dumps(entries, ensure_ascii=False, indent=2) + "\n"
    )
    return plans


def _entry(system: str, secret: str, agencies: tuple[str, ...], plan: HubPlan) -> dict[str, object]:
    return {
        "system_id": system, "secret": secret, "agencies": list(agencies),
        "hub": plan.name, "endpoint": plan.endpoint,
    }  # fmt: skip


def hub_config(plan: HubPlan, pki_dir: Path) -> Config:
    raw: dict[str, dict[str, object]] = {
        "hub": {
            "listen": f"127.0.0.1:{plan.port}",
            "data_dir": str(plan.data_dir),
            "key_dir": str(pki_dir / "hub"),
        },
        **plan.config,
    }
    return from_dict(raw)


def config_toml(plan: HubPlan, pki_dir: Path, *, log_level: str = "info") -> str:
    """The hub's config file (a TOML subset: strings, numbers)."""
    raw: dict[str, dict[str, object]] = {
        "hub": {
            "listen": f"127.0.0.1:{plan.port}",
            "data_dir": str(plan.data_dir),
            "key_dir": str(pki_dir / "hub"),
        },
        **plan.config,
    }
    raw["log"] = {**raw.get("log", {}), "level": log_level}
    return toml_sections(raw)


def toml_sections(raw: dict[str, dict[str, object]]) -> str:
    """Config tables as TOML (values: strings and numbers)."""
    lines = []
    for section, values in raw.items():
        lines.append(f"[{section}]")
        lines += [
            f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()
        ]
        lines.append("")
    return "\n".join(lines)


async def _seed_hub(
    plan: HubPlan,
    pki_dir: Path,
    rows: list[AgencyRow],
    systems: dict[str, tuple[str, tuple[str, ...]]],
    secrets: dict[str, str],
) -> dict[str, str]:
    """Seed one hub's store; the secrets it actually holds (a system already there keeps its
    own, even if systems.json was since rewritten by the single-hub demo in the same folder)."""
    plan.data_dir.mkdir(parents=True, exist_ok=True)
    store = await open_store(hub_config(plan, pki_dir))
    try:
        known = {s.system_id for s in await store.list_systems()}
        await store.import_agencies(rows)
        held = {}
        for system, (name, _) in systems.items():
            if system not in known:
                await store.add_system(system, secrets[system], name)
            held[system] = await store.get_secret(system) or secrets[system]
        return held
    finally:
        await store.close()
