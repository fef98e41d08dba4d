"""Reading agency lists for ``axis agencies import`` (JSON list or CSV).

Feeds the store's one-transaction bulk import (120,000 agencies, the size of the real national
directory per docs/domain.md §1, load in about a second). Columns/keys: id, pid (or pcode), code,
name, mail, mobile, fax, and optionally system_id (the connected system that serves it) and
upstream (the hub it is reached through). A bad row refuses the whole file (5.5.7).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from axis.errors import Rejected
from axis.store.base import AgencyRow

FIELDS = ("id", "pid", "code", "name", "mail", "mobile", "fax", "system_id", "upstream")
_ALIASES = {"pcode": "pid", "email": "mail", "system": "system_id"}
# Longest value accepted per field (the directory's real values are far shorter).
_MAX_LEN = 500


def read_file(path: Path) -> list[AgencyRow]:
    """Every agency in a .json (list of objects) or .csv (header row) file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise Rejected("5.1.9", f"{path}: {exc.strerror or exc}") from exc
    if path.suffix.lower() == ".json" or text.lstrip().startswith("["):
        try:
            records: Iterable[Any] = json.loads(text)
        except json.JSONDecodeError as exc:
            raise Rejected("5.5.7", f"{path}: not JSON: {exc}") from exc
        if not isinstance(records, list):
            raise Rejected("5.5.7", f"{path}: a JSON list of agency objects is expected.")
    else:
        records = csv.DictReader(text.splitlines())
    return list(_rows(records))


def _rows(records: Iterable[Any]) -> Iterator[AgencyRow]:
    for number, record in enumerate(records, start=1):
        yield to_row(record, where=f"row {number}")


def to_row(record: Any, *, where: str = "") -> AgencyRow:
    """One agency from a mapping (JSON object, CSV row, registerAgency body); 5.5.7 if bad."""
    if not isinstance(record, Mapping):
        raise Rejected("5.5.7", f"{where}: an object is expected.")
    values: dict[str, str] = {}
    for key, value in record.items():
        name = _ALIASES.get(str(key).strip(), str(key).strip())
        if name not in FIELDS or value is None:
            continue
        text = str(value).strip()
        if len(text) > _MAX_LEN:
            raise Rejected("5.5.7", f"{where}: {name} is longer than {_MAX_LEN} characters.")
        values[name] = text
    agency_id = values.get("id") or values.get("code")
    if not agency_id:
        raise Rejected("5.5.7", f"{where}: id (or code) is required.")
    values["id"] = agency_id
    values.setdefault("code", agency_id)
    system_id = values.pop("system_id", "") or None
    upstream = values.pop("upstream", "") or None
    return AgencyRow(**values, system_id=system_id, upstream=upstream)
