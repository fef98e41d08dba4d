"""The hash chain: how each event commits to the one before, and how a walk finds tampering.

An event's link hash is ``SHA-256(prev_hash || SHA-256(canonical(event)))`` (both as raw 32
bytes; the first event's prev is 64 zeros). ``canonical`` is a JSON array of the content
fields in ``event.CONTENT_FIELDS`` order (UTF-8, no spaces): ``seq`` is not in it, so the
order is carried by the links alone and renumbering rows cannot hide a change. The two-step
hash lets an evidence bundle prove the links of other documents' events with only their
content digests, without disclosing their content (evidence.py).

``ChainChecker`` walks rows in seq order and names each problem: an edited row (content no
longer matches its hash), a removed one (a row chains to a hash that is not in the log), an
inserted one (its successor chains past it), two rows out of order. Seals (seal.py) then pin
the chain: a rewritten tail or a truncated one no longer matches the hub-signed checkpoint.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from axis import compact_json
from axis.eventlog.event import CONTENT_FIELDS, Event, EventRow

GENESIS = "0" * 64
# Hashes remembered while walking (to tell removed from reordered); bounded memory.
_WINDOW = 100_000


def canonical(event: Event | EventRow) -> bytes:
    """The bytes an event's content digest is taken over."""
    return canonical_values([getattr(event, name) for name in CONTENT_FIELDS])


def canonical_values(values: Sequence[str]) -> bytes:
    """``canonical`` of an event whose content fields, in CONTENT_FIELDS order, are ``values``
    (pinned by tests/eventlog/test_chain_bytes.py: rows already written must still verify)."""
    return compact_json.dumps(values).encode()


def content_digest(event: Event | EventRow) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def link(prev: str, digest: str) -> str:
    """The chain hash of an event whose content digest is ``digest``, after ``prev``."""
    return hashlib.sha256(bytes.fromhex(prev) + bytes.fromhex(digest)).hexdigest()


def chain_hash(prev: str, event: Event | EventRow) -> str:
    return link(prev, content_digest(event))


def links(prev: str, contents: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    """(prev, hash) of each event in turn, appended after the head ``prev``, from its content
    values (``canonical_values``). The same hashes as ``chain_hash`` one by one, without the
    hex round trips between links: appended per recipient of a package, so on the fan-out path."""
    sha256 = hashlib.sha256
    prev_raw, pairs = bytes.fromhex(prev), []
    for values in contents:
        raw = sha256(prev_raw + sha256(canonical_values(values)).digest()).digest()
        linked = raw.hex()
        pairs.append((prev, linked))
        prev, prev_raw = linked, raw
    return pairs


def _is_hex64(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


@dataclass(frozen=True)
class Problem:
    seq: int
    what: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.what}"


@dataclass
class ChainChecker:
    """Feed rows in seq order (``feed``), then ``finish()`` for the problems found."""

    count: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[Problem] = field(default_factory=list)
    _before: EventRow | None = None  # the row before the last one
    _last: EventRow | None = None
    _seen: OrderedDict[str, int] = field(default_factory=OrderedDict)
    _forward: dict[str, int] = field(default_factory=dict)  # prev hash not seen yet -> seq
    _gap: dict[int, int] = field(default_factory=dict)  # such a seq -> the seq before it
    _named: set[int] = field(default_factory=set)
    _pending: list[int] = field(default_factory=list)  # unlinked seqs at the end so far

    @property
    def pending(self) -> int:
        """Events at the end of the log not linked yet (the chainer links them)."""
        return len(self._pending)

    def feed(self, row: EventRow) -> None:
        self.count += 1
        if row.prev == "" and row.hash == "":  # committed, not linked yet (PostgreSQL)
            self._pending.append(row.seq)
            return
        for seq in self._pending:  # a linked event after it: it was unlinked by hand
            self._problem(seq, "its chain fields are missing (edited): a later event is linked")
        self._pending.clear()
        if not (_is_hex64(row.prev) and _is_hex64(row.hash)):
            self._problem(row.seq, "its chain fields are missing or malformed (edited)")
        elif chain_hash(row.prev, row) != row.hash:
            self._problem(row.seq, "edited: its content does not match its hash")
        expected = self._last.hash if self._last is not None else GENESIS
        if row.prev != expected:
            self._broken_link(row)
        self._seen[row.hash] = row.seq
        if len(self._seen) > _WINDOW:
            self._seen.popitem(last=False)
        self._before, self._last = self._last, row
        self.head_seq, self.head_hash = row.seq, row.hash

    def _broken_link(self, row: EventRow) -> None:
        last, before = self._last, self._before
        if row.hash in self._forward:  # an earlier row chains after this one
            earlier = self._forward.pop(row.hash)
            self._problem(row.seq, f"out of order: seq {earlier} chains after it but comes first")
        elif last is not None and row.prev == last.prev:
            self._problem(
                last.seq, f"inserted: seq {row.seq} chains to the event before it, skipping it"
            )
        elif row.prev in self._seen:
            target = self._seen[row.prev]
            if target not in self._named and (last is None or last.seq not in self._named):
                self._problem(
                    row.seq,
                    f"chains to seq {target}, not to seq {last.seq if last else 0}: "
                    "events between were removed or moved",
                )
        elif row.prev == GENESIS and before is None and last is not None:
            self._problem(last.seq, "inserted before the first event")
        else:
            self._forward[row.prev] = row.seq
            self._gap[row.seq] = last.seq if last is not None else 0

    def finish(self) -> list[Problem]:
        for seq in sorted(self._forward.values()):
            before = self._gap.get(seq, 0)
            missing = (
                f"seq {seq - 1} was" if seq - before == 2 else f"an event after seq {before} was"
            )
            self._problem(
                seq,
                f"the event it chains to is not in the log: {missing} removed "
                "(or edited and re-hashed)",
            )
        self._forward.clear()
        return sorted(self.problems, key=lambda p: p.seq)

    def _problem(self, seq: int, what: str) -> None:
        self._named.add(seq)
        self.problems.append(Problem(seq, what))


def check_rows(rows: Iterable[EventRow]) -> ChainChecker:
    """Walk ``rows`` (seq order); the checker holds the count, head and problems."""
    checker = ChainChecker()
    for row in rows:
        checker.feed(row)
    checker.problems = checker.finish()
    return checker
