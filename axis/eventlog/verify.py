"""``axis log verify``: walk the whole chain in the store and check every seal.

Reads the events page by page (keyset, bounded memory) through ``Store.list_events`` and
the seals through ``Store.list_seals``; the rules are chain.py's and seal.py's. A seal is
checked against the hub certificate the operator trusts (hub.key_dir), not only the one the
seal carries: a forger with database access could sign with a key of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from axis.eventlog.chain import ChainChecker, Problem
from axis.eventlog.seal import fingerprint, verify_seal
from axis.store.base import Store

PAGE = 5000


@dataclass
class VerifyReport:
    events: int = 0
    head_seq: int = 0
    head_hash: str = ""
    seals: int = 0
    last_sealed_seq: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "events": self.events,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "seals": self.seals,
            "last_sealed_seq": self.last_sealed_seq,
            "problems": [{"seq": p.seq, "what": p.what} for p in self.problems],
            "notes": self.notes,
        }


async def verify_store(store: Store, hub_cert_pem: str | None) -> VerifyReport:
    """Link what is committed and pending (PostgreSQL), then check every event's hash and
    link, then every seal (its signature and the hash it pins)."""
    await store.chain_pending()
    seals = await store.list_seals()
    sealed_at = {seal.seq: seal for seal in seals}
    checker = ChainChecker()
    seen_hash: dict[int, str] = {}
    cursor: int | None = None
    while rows := await store.list_events(cursor=cursor, limit=PAGE):
        for row in rows:
            checker.feed(row)
            if row.seq in sealed_at:
                seen_hash[row.seq] = row.hash
        cursor = rows[-1].seq
    report = VerifyReport(checker.count, checker.head_seq, checker.head_hash, len(seals))
    report.problems = checker.finish()
    if checker.pending:
        report.notes.append(f"{checker.pending} newest events not linked yet (being committed)")
    if hub_cert_pem is None:
        report.notes.append("no hub certificate configured: seals checked with their own")
    elif seals:
        report.notes.append(f"hub certificate sha256 {fingerprint(hub_cert_pem)}")
    for seal in seals:
        if wrong := verify_seal(seal, hub_cert_pem):
            report.problems.append(Problem(seal.seq, wrong))
        if seal.seq not in seen_hash:
            report.problems.append(
                Problem(seal.seq, f"sealed (seal {seal.id}) but not in the log: removed")
            )
        elif seen_hash[seal.seq] != seal.hash:
            report.problems.append(
                Problem(
                    seal.seq,
                    f"seal {seal.id} pinned another hash here: the chain up to this event "
                    "was rewritten",
                )
            )
        report.last_sealed_seq = max(report.last_sealed_seq, seal.seq)
    if report.last_sealed_seq < report.head_seq:
        report.notes.append(
            f"events after seq {report.last_sealed_seq} are not sealed yet "
            "(chained only; the sealer seals them at its next period)"
        )
    report.problems.sort(key=lambda p: p.seq)
    return report
