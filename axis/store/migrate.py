"""Schema migrations: one numbered list for both backends (axis/store/migrations/README.md).

``NNN_name.sql`` is migration NNN. Where PostgreSQL's dialect differs, ``NNN_name.postgres.sql``
beside it is what PostgreSQL runs instead; otherwise both backends run the same file. Each store
applies the pending ones at open (and ``axis store migrate``), each in one transaction together
with its row in ``schema_migrations``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Literal

Backend = Literal["sqlite", "postgres"]
# The file suffix a backend prefers over the shared ``.sql``.
_DIALECT_SUFFIX = {"postgres": ".postgres.sql"}


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str


def migrations(backend: Backend) -> list[Migration]:
    """Every migration for ``backend``, in order; a number used twice is an error."""
    folder = resources.files("axis.store") / "migrations"
    shared: dict[int, tuple[str, str]] = {}
    dialect: dict[int, tuple[str, str]] = {}
    suffix = _DIALECT_SUFFIX.get(backend)
    for entry in folder.iterdir():
        name = entry.name
        if not name.endswith(".sql") or not name[:3].isdigit():
            continue
        target, stem = shared, name.removesuffix(".sql")
        if stem.endswith(".postgres"):
            if suffix != ".postgres.sql":
                continue
            target, stem = dialect, stem.removesuffix(".postgres")
        number, _, title = stem.partition("_")
        if int(number) in target:
            raise ValueError(f"two migrations numbered {number}: {name}, {target[int(number)][0]}")
        target[int(number)] = (title, entry.read_text(encoding="utf-8"))
    if missing := sorted(set(dialect) - set(shared)):
        raise ValueError(f"dialect migrations without a shared file: {missing}")
    return [Migration(n, *dialect.get(n, shared[n])) for n in sorted(shared)]
