"""Retiring agencies in a reorganisation (docs/domain.md §8 "The 2025 reorganisation";
docs/tiers.md "Reorganisation").

``retire(store, OLD, [NEW, ...])`` records the successors, removes OLD from the directory and,
in the same transaction, hands every delivery still open for OLD (queued, fetched but not
acknowledged, or failed) to each successor once; the old delivery is closed with
"OLD retired; delivered to NEW" (the sender's list shows it, and the successor's row beside
it). Later packages addressed to OLD go to the successors with 2.5.14; with no successor they
are refused (5.5.15) and open deliveries are closed as failed with that reason.
A CSV mapping (``old,new`` per line; several lines for several successors; an empty ``new``
for none) is the way a province publishes its new code list.
"""

from __future__ import annotations

import csv
from pathlib import Path

from axis.errors import Rejected
from axis.store.base import Store
from axis.store.sqlite import now


def read_mapping(path: Path) -> dict[str, list[str]]:
    """OLD -> successors from a CSV with columns old,new (a header row is optional)."""
    mapping: dict[str, list[str]] = {}
    for number, row in enumerate(csv.reader(path.read_text("utf-8-sig").splitlines()), 1):
        if not row or row[0].strip().lower() in ("old", "id"):
            continue
        old, new = row[0].strip(), (row[1].strip() if len(row) > 1 else "")
        if not old:
            raise Rejected("5.5.7", f"{path} line {number}: no old id.")
        mapping.setdefault(old, [])
        if new:
            mapping[old].append(new)
    return mapping


async def retire(store: Store, old: str, successors: list[str]) -> int:
    """Retire ``old`` in favour of ``successors``; how many open deliveries moved."""
    if old in successors:
        raise Rejected("5.5.7", f"{old} cannot succeed itself.")
    rows = await store.get_agencies(successors)
    unknown = [s for s in successors if s not in rows]
    if unknown:
        raise Rejected("5.5.5", f"successor {', '.join(unknown)}.")
    routes = {s: _route_name(rows[s].system_id, rows[s].upstream) for s in successors}
    return await store.retire_to_successors(old, routes, now())


def _route_name(system_id: str | None, upstream: str | None) -> str:
    return f"upstream:{upstream}" if upstream and not system_id else system_id or ""
