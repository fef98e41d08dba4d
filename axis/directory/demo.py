"""The demo directory, systems and dev PKI that ``axis serve --demo`` (``make run``) seeds.

A few central bodies incl. the Government Office 000.00.00.G22, and two provinces with the four
tiers of docs/domain.md §2: Quảng Nam (H47) and Nghệ An (H41), each with departments (level 2),
districts (level 2) and communes (level 3). Demo connected systems (docs/domain.md §2 "connection
centres") serve them: 00.00.G22 the Government Office, 00.00.W00 G10 and 00.00.G15 G15 (three
central systems: the conformance kit casts a sender, a recipient and a third system on the
national hub of the demo network, docs/conformance.md), 00.47.W00 and 00.41.W00 a province
each. Their secrets are random at first run and written, with the agencies each serves, to
<data_dir>/demo/systems.json. Each demo agency gets a signing key and TEST
certificate under <data_dir>/demo/pki/ (axis.pki.devpki). Re-running keeps what exists.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from axis.directory.credentials import new_system_secret
from axis.store.base import AgencyRow, Store

CENTRAL = (
    ("000.00.00.G22", "Văn phòng Chính phủ"),
    ("000.00.00.G10", "Bộ ngành trung ương G10 (demo)"),
    ("000.00.00.G15", "Bộ ngành trung ương G15 (demo)"),
)


def _province(code: str, name: str) -> list[tuple[str, str, str]]:
    """(id, parent, name): the province, 2 departments, 2 districts, 2 communes per district."""
    top = f"000.00.00.{code}"
    rows = [(top, "", f"UBND tỉnh {name}")]
    rows += [(f"000.00.{d:02d}.{code}", top, f"Sở {d:02d} tỉnh {name} (demo)") for d in (8, 12)]
    for district in (31, 32):
        district_id = f"000.00.{district}.{code}"
        rows.append((district_id, top, f"UBND huyện {district} tỉnh {name} (demo)"))
        rows += [
            (
                f"000.{c:02d}.{district}.{code}",
                district_id,
                f"UBND xã {c:02d} huyện {district} (demo)",
            )
            for c in (24, 25)
        ]
    return rows


PROVINCES = {"H47": "Quảng Nam", "H41": "Nghệ An"}
# system id -> (name, agencies it serves)
SYSTEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "00.00.G22": ("Văn phòng Chính phủ - hệ thống QLVB (demo)", ("000.00.00.G22",)),
    "00.00.W00": ("Bộ ngành trung ương - trục (demo)", ("000.00.00.G10",)),
    "00.00.G15": ("Bộ ngành trung ương G15 - hệ thống QLVB (demo)", ("000.00.00.G15",)),
    **{
        f"00.{code[1:]}.W00": (
            f"Trục liên thông tỉnh {name} (demo)",
            tuple(row[0] for row in _province(code, name)),
        )
        for code, name in PROVINCES.items()
    },
}


def agencies() -> list[AgencyRow]:
    served = {agency: system for system, (_, ids) in SYSTEMS.items() for agency in ids}
    rows = [(agency_id, "", name) for agency_id, name in CENTRAL]
    for code, name in PROVINCES.items():
        rows += _province(code, name)
    return [
        AgencyRow(id=i, pid=p, code=i, name=n, mail=f"{i}@demo.invalid", system_id=served.get(i))
        for i, p, n in rows
    ]


@dataclass(frozen=True)
class DemoInfo:
    systems_json: Path
    pki_dir: Path
    trust_dir: Path
    hub_key_dir: Path
    created: bool


async def seed(store: Store, data_dir: Path) -> DemoInfo:
    """Directory, systems (secrets kept if already there) and dev PKI; idempotent."""
    from axis.pki import devpki

    demo = data_dir / "demo"
    demo.mkdir(parents=True, exist_ok=True)
    systems_json = demo / "systems.json"
    known = {s.system_id for s in await store.list_systems()}
    previous = _read_secrets(systems_json)
    rows = agencies()
    await store.import_agencies(rows)
    created = False
    entries = []
    for system_id, (name, served) in SYSTEMS.items():
        if system_id not in known:
            await store.add_system(system_id, previous.get(system_id) or new_system_secret(), name)
            created = True
        secret = await store.get_secret(system_id)
        entries.append({"system_id": system_id, "secret": secret, "agencies": list(served)})
    _write_private(systems_json, json.dumps(entries, ensure_ascii=False, indent=2) + "\n")
    pki = devpki.init(demo / "pki", [(row.id, row.name) for row in rows])
    return DemoInfo(systems_json, pki.directory, pki.trust_dir, pki.directory / "hub", created)


def _read_secrets(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    return {entry["system_id"]: entry["secret"] for entry in json.loads(path.read_text("utf-8"))}


def _write_private(path: Path, text: str) -> None:
    """Owner-only file (secrets): created 0600, replaced atomically."""
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
