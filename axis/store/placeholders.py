"""The shared SQL's ``?`` placeholders as PostgreSQL's ``$1, $2, ...``.

The store's queries are written once with ``?`` (sqlite_queries.py, tiers_queries.py, the
console's and push delivery's SQL) and numbered here for the PostgreSQL backend. A module of
its own, importing nothing of the store, so every PostgreSQL mixin can use it at import time
(postgres.py imports the mixins).
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"\?")


def numbered(sql: str) -> str:
    """``?`` placeholders (the shared queries) as PostgreSQL's ``$1, $2, ...``."""
    count = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _: f"${next(count)}", sql)
