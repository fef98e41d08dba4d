"""Claims: packages that decide on the same stored facts pass dedupe -> persist one at a time.

The dedupe, business and persist stages read what is stored and then write. Two packages that
arrive together and depend on the same facts (the same bytes retried at once, two new documents
with one DocumentId, two statuses about one document) would both pass the reads and both be
stored: a duplicate copy, or two business receipts for one transition. So after the check stage
the pipeline claims keys for the package and holds them until its commit; unrelated packages
never share a key, so group commit still batches them. On SQLite the hub is one process and
these in-process locks are complete (docs/decisions.md "Claims"). On PostgreSQL several nodes
share the database, so the store takes the same keys again as advisory locks in the storing
transaction (``Store.claim``, axis/store/postgres.py); these locks stay as a cheap pre-filter:
a package waiting on a same-node twin holds no database connection meanwhile. A new document
skips the store's claim: the unique indexes decide its race (intake/pipeline.py
``is_new_document``; docs/decisions.md "New documents skip the claim").
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from axis.edxml import DocumentPackage, StatusPackage
from axis.intake.checker import Checked


def keys_for(from_agency: str, checked: Checked) -> list[str]:
    """The facts this package's decisions depend on: its bytes, and every DocumentId involved."""
    keys = [f"bytes:{from_agency}:{checked.sha256}"]
    package = checked.package
    if isinstance(package, StatusPackage):
        keys.append(f"doc:{package.response_for.document_id}")
    elif isinstance(package, DocumentPackage):
        keys.append(f"doc:{package.document_id}")
        business = package.business
        if business is not None:
            keys += [f"doc:{business.document_id}"] if business.document_id else []
            keys += [f"doc:{r.document_id}" for r in business.replacements if r.document_id]
    return sorted(set(keys))  # one global order: two claimants can never deadlock


class Claims:
    """Keyed asyncio locks that disappear when nobody holds or waits for them."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, keys: Iterable[str]) -> AsyncIterator[None]:
        registered: list[str] = []
        acquired: set[str] = set()
        try:
            for key in keys:
                lock, users = self._locks.get(key, (asyncio.Lock(), 0))
                self._locks[key] = (lock, users + 1)
                registered.append(key)
                await lock.acquire()
                acquired.add(key)
            yield
        finally:
            for key in reversed(registered):
                lock, users = self._locks[key]
                if key in acquired:
                    lock.release()
                if users == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)
