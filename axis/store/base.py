"""The Store protocol: every durable fact the hub keeps, behind domain methods.

Sits at the bottom of the flow (api -> intake -> store). Intake's persist stage calls
``save_incoming`` (one transaction: document + deliveries + status effects + event; the commit
is the acknowledgement, docs/architecture.md principle 1); the API reads inboxes and sent lists and records
fetches and acknowledgements. No SQL lives outside ``axis/store/``. Two backends implement it:
sqlite.py (embedded, one process) and postgres.py (several hub nodes on one database); what
the in-process locks decide on SQLite, PostgreSQL decides in the database (``claim``).

Write failures (disk full, read-only, locked) raise ``StoreUnavailable`` (503 + Retry-After).
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from axis.errors import StoreUnavailable
from axis.eventlog.event import Event, EventFilter, EventRow, LogSettings, SealRow
from axis.eventlog.reports import QueueShape, StatsRow
from axis.store.console_rows import (
    DayCount,
    DocumentDetail,
    DocumentFilter,
    DocumentHit,
    HubCounts,
    Operator,
    Page,
    QueueLine,
    RefusalCodeLine,
    RefusalRow,
    Session,
    WaitingRow,
)

BLOB_CHUNK = 3 * 256 * 1024  # a multiple of 3: each chunk base64-encodes without padding


class BlobReader(Protocol):
    """A large stored document (``size`` bytes) read back in chunks, never whole in memory.

    Every chunk but the last is a multiple of 3 bytes (the API base64-encodes them one by one).
    """

    @property
    def size(self) -> int: ...

    def chunks(self, chunk: int = BLOB_CHUNK) -> AsyncIterator[bytes]: ...


@dataclass(frozen=True)
class SystemRow:
    system_id: str
    name: str
    created_at: str
    agencies: int = 0


@dataclass(frozen=True)
class AgencyRow:
    """A directory entry. Served by a local system (system_id) or via an upstream hub."""

    id: str
    pid: str = ""
    code: str = ""
    name: str = ""
    mail: str = ""
    mobile: str = ""
    fax: str = ""
    system_id: str | None = None
    upstream: str | None = None


class StoredConcurrently(StoreUnavailable):
    """save_incoming outside a claim lost a unique index (same bytes from one sender, a reused
    DocumentId) to another node's commit: nothing was stored. The intake pipeline then decides
    again under the claim (dedupe answers 2.6.1 / 5.6.2; docs/decisions.md "New documents
    skip the claim"); any other caller sees it as 4.7.1."""


@dataclass(frozen=True)
class FileBytes:
    """Package bytes that live in a file (a spooled large body): ``size`` bytes at ``offset``.

    The store copies them into its blob in chunks, so a large package is never one bytes
    object in the hub's memory.
    """

    path: Path
    offset: int
    size: int

    def chunks(self, chunk: int = 1 << 20) -> Iterator[bytes]:
        with self.path.open("rb") as source:
            source.seek(self.offset)
            left = self.size
            while left > 0 and (piece := source.read(min(chunk, left))):
                left -= len(piece)
                yield piece


@dataclass(frozen=True)
class NewDocument:
    id: str
    from_agency: str
    system_id: str
    message_type: str
    document_id: str
    business_type: int
    original_id: str | None
    status_code: str
    sha256: str
    data: bytes | FileBytes  # the exact received bytes
    subject: str
    notation: str
    findings: tuple[tuple[str, str], ...]
    created_at: str
    # TraceHeaders (OrganId, Timestamp) of a package that came through another hub, as received
    hops: tuple[tuple[str, str], ...] = ()


def new_ids(count: int) -> list[str]:
    """``count`` new row ids: time-ordered UUIDs (version 7, RFC 9562) in text form, the
    milliseconds since the epoch first, then 74 random bits, from one read of the OS's random
    source. A package's document and delivery ids (one per recipient).

    Time-ordered, not random (version 4): every index that starts with an id (the primary keys,
    deliveries by document, events by document and by delivery) then grows at its right edge,
    so a commit dirties a few pages instead of one random page per id; measured with SQLite at
    FULL sync, 16 packages per commit: deliveries and events of a 100-recipient package 12.7 ->
    7.2 ms, of a one-recipient package 0.33 -> 0.15 ms (docs/decisions.md "Row ids are
    time-ordered")."""
    stamp = f"{time.time_ns() // 1_000_000:012x}"
    head = f"{stamp[:8]}-{stamp[8:]}-7"
    raw = os.urandom(10 * count).hex()
    return [
        f"{head}{h[1:4]}-{_VARIANT[h[4]]}{h[5:8]}-{h[8:]}"
        for h in (raw[i : i + 20] for i in range(0, 20 * count, 20))
    ]


def new_id() -> str:
    """One new row id (``new_ids``): a hub-made row outside a package's intake."""
    return new_ids(1)[0]


# RFC 9562 variant: the top two bits of the clock_seq_hi byte are 10 (hex digit 8, 9, a or b).
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def status_order(doc: NewDocument) -> tuple[str, str]:
    """(status_key, status_at) written on each delivery of ``doc`` (migration 014): for a status
    package the document it is about with the reporting agency, and when it was accepted;
    ("", "") for anything else. The queue manager keeps a key's deliveries to one endpoint in
    that order (push_sqlite.py IN_ORDER)."""
    if doc.message_type != "status" or not doc.original_id:
        return "", ""
    return f"{doc.original_id} {doc.from_agency}", doc.created_at


@dataclass(frozen=True)
class NewDelivery:
    id: str
    agency: str
    message_type: str
    route: str = ""  # the delivering system id, or "upstream:<hub>" (axis.directory.Route.name)
    replaces: str = ""  # the retired agency this successor receives for (Route.retired_for)


@dataclass(frozen=True)
class StatusEffect:
    """What a business status does to the original document's delivery to its reporter."""

    original_id: str
    reporter: str
    code: str
    # Deliveries of the original whose pending_change becomes this value (13 sets, 15/16 clear).
    pending_agencies: tuple[str, ...] = ()
    pending_value: int | None = None


@dataclass(frozen=True)
class Refusal:
    """A refused package that was read far enough to know it (never its bytes)."""

    at: str
    request_id: str
    code: str
    system_id: str
    from_agency: str
    document_id: str
    sha256: str
    reason: str


@dataclass(frozen=True)
class DocumentRef:
    """A stored document without its bytes."""

    id: str
    from_agency: str
    system_id: str
    message_type: str
    document_id: str
    business_type: int
    original_id: str | None
    status_code: str
    sha256: str
    size: int
    subject: str
    notation: str
    created_at: str
    findings: str = "[]"  # JSON list of [code, detail] warnings recorded at intake


@dataclass(frozen=True)
class RecipientState:
    """One recipient of an edoc: transport state, latest business status, pending change."""

    delivery_id: str
    agency: str
    state: str
    biz_status: str
    pending_change: int
    codes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class InboxRow:
    delivery_id: str
    doc_id: str
    message_type: str
    from_agency: str
    agency: str
    agency_system: str | None
    state: str
    last_error: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class SentRow:
    doc_id: str
    delivery_id: str
    message_type: str
    from_agency: str
    agency: str
    state: str
    last_error: str
    biz_status: str
    biz_status_at: str
    subject: str
    notation: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class PushRow:
    """A push-routed delivery as the queue manager sees it (axis/delivery/queue.py)."""

    delivery_id: str
    doc_id: str
    agency: str
    route: str
    message_type: str
    attempts: int
    created_at: str
    next_attempt_at: str
    quarantine: str
    last_error: str
    size: int
    sha256: str
    from_agency: str = ""


@dataclass(frozen=True)
class FailureNotice:
    """A delivery that ended expired or fail, whose sender is owed a hub-made status
    (migration 011; axis/delivery/notices.py)."""

    delivery_id: str
    doc_id: str
    agency: str  # the recipient not reached
    state: str  # expired | fail
    reason: str  # the delivery's last_error
    created_at: str


class Store(Protocol):
    """Domain methods over the durable store; see axis/store/sqlite.py."""

    # True when save_incoming outside a claim raises StoredConcurrently for a new document whose
    # bytes or DocumentId are already stored (unique indexes): intake then skips dedupe's read
    # for new documents (intake/pipeline.py). PostgreSQL: True; SQLite: False.
    dedupes_on_write: bool

    async def open(self) -> None: ...
    async def close(self) -> None: ...

    # systems
    async def add_system(self, system_id: str, secret: str, name: str = "") -> bool: ...
    async def set_secret(self, system_id: str, secret: str) -> bool: ...
    async def get_secret(self, system_id: str) -> str | None: ...
    async def list_systems(self) -> list[SystemRow]: ...

    # directory
    async def import_agencies(self, rows: Iterable[AgencyRow]) -> int: ...
    async def add_agency(self, row: AgencyRow) -> bool: ...
    async def delete_agency(self, agency_id: str) -> bool: ...
    async def retire_agency(self, agency_id: str, system_id: str) -> int: ...
    async def retired_owner(self, agency_id: str) -> str | None: ...
    async def assign_agencies(self, system_id: str, agency_ids: Sequence[str]) -> int: ...
    async def get_agency(self, agency_id: str) -> AgencyRow | None: ...
    async def get_agencies(self, agency_ids: Sequence[str]) -> dict[str, AgencyRow]: ...
    async def list_agencies(
        self, system_id: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[AgencyRow]: ...
    async def count_agencies(self) -> int: ...

    # intake
    async def find_duplicate(self, from_agency: str, sha256: str) -> DocumentRef | None: ...
    async def document_id_taken(self, from_agency: str, document_id: str) -> bool: ...
    async def dedupe_lookup(
        self, from_agency: str, sha256: str, document_id: str | None
    ) -> tuple[DocumentRef | None, bool]:
        """find_duplicate and (when ``document_id`` is given) document_id_taken in one read:
        intake's dedupe stage costs one round trip (docs/performance.md)."""
        ...

    async def find_originals(self, document_id: str) -> list[DocumentRef]: ...
    async def recipients(self, doc_id: str) -> list[RecipientState]: ...
    async def reported_codes(self, doc_id: str, agency: str) -> tuple[str, ...]: ...
    async def delivery_routes(self, doc_id: str) -> dict[str, str]: ...  # agency -> route
    async def save_incoming(
        self,
        doc: NewDocument,
        deliveries: Sequence[NewDelivery],
        *,
        status: StatusEffect | None = None,
        pending: Sequence[tuple[str, Sequence[str], int]] = (),
    ) -> None: ...

    # refusals (docs/reliability.md §2): inserting prunes rows older than keep_days
    async def record_refusal(self, refusal: Refusal, keep_days: int) -> None: ...
    async def list_refusals(
        self, from_agency: str | None = None, limit: int = 100
    ) -> list[Refusal]: ...  # newest first

    # delivery by pull
    async def list_received(
        self, system_id: str, message_type: str, limit: int | None = None, offset: int = 0
    ) -> list[InboxRow]: ...
    async def count_received(self, system_id: str, message_type: str) -> int: ...
    async def get_delivery(self, delivery_id: str) -> InboxRow | None: ...
    async def fetch(self, delivery_id: str, system_id: str) -> bytes | None: ...

    async def fetch_document(
        self, delivery_id: str, system_id: str, inline_up_to: int
    ) -> bytes | BlobReader | None: ...
    async def acknowledge(
        self, delivery_id: str, system_id: str, ok: bool, error: str
    ) -> bool: ...  # False: already done (final), nothing changed
    async def acknowledge_own(
        self, delivery_id: str, system_id: str, ok: bool, error: str
    ) -> tuple[InboxRow, bool] | None:
        """The ownership check and acknowledge() in one call (one round trip on PostgreSQL):
        None when the delivery is not the caller's (nothing changed), else the row as it was
        and whether this changed it."""
        ...

    # sender's view
    async def list_sent(
        self, system_id: str, limit: int | None = None, offset: int = 0
    ) -> list[SentRow]: ...
    async def get_document(self, doc_id: str) -> DocumentRef | None: ...
    async def count_documents(self) -> int: ...
    async def count_events(self) -> int: ...

    # several nodes (docs/domain.md §7; docs/decisions.md "Claims in the database")
    def claim(self, keys: Sequence[str]) -> AbstractAsyncContextManager[None]:
        """Hold ``keys`` (intake/claims.py) from dedupe until this task's save_incoming commits:
        no other node decides on the same facts meanwhile. SQLite: nothing (one process)."""
        ...

    async def first_use(self, key: str, keep_s: float) -> bool:
        """Record a request's signed hash-header; False if it was seen in the last keep_s
        seconds (a replay, 5.8.4). Shared by every node on PostgreSQL."""
        ...

    # -- tiers: bridge and reorganisation (docs/tiers.md; tiers_queries.py) --------------
    async def successors_of(self, agency_ids: Sequence[str]) -> dict[str, list[str]]:
        """Retired ids among ``agency_ids`` -> direct successors ([] = none)."""
        ...

    async def retire_to_successors(
        self, agency_id: str, successors: dict[str, str], at: str
    ) -> int: ...

    # -- gateway (the provincial gateway's REST dialect: axis/gateway/, docs/gateway.md) -----
    # Bearer tokens: only each token's SHA-256 is stored; on PostgreSQL every node sees them.
    async def add_gateway_token(
        self, token_sha256: str, system_id: str, issued_at: str, expires_at: str
    ) -> None: ...
    async def gateway_token(self, token_sha256: str) -> tuple[str, str] | None:
        """(system id, expires_at) of a stored token, expired or not; None if unknown."""
        ...

    async def list_unit_agencies(
        self, unit: str, limit: int | None = None, offset: int = 0
    ) -> list[AgencyRow]: ...  # ids ending in .<unit> (L##: a province), by id

    # -- push delivery (axis/delivery/; migration 006; push_sqlite.py, push_postgres.py) ----
    async def push_take(self, route: str, now: str, lease_until: str, limit: int) -> list[PushRow]:
        """Up to ``limit`` queued deliveries of ``route`` due at ``now`` (oldest due first),
        each leased until ``lease_until`` (its next_attempt_at): no other taker gets them
        meanwhile, on any node. Pages through the queue: never more than ``limit`` rows. A
        status delivery is not due while a status its agency reported earlier about the same
        document still has a delivery open on ``route`` (push_sqlite.py IN_ORDER)."""
        ...

    async def push_document(self, doc_id: str, inline_up_to: int) -> bytes | BlobReader:
        """A document's stored bytes for pushing (no delivery state changes)."""
        ...

    async def push_done(self, delivery_id: str, system_id: str, detail: str) -> bool:
        """Pushed and committed by the endpoint: state done (as a pull ``done`` ack)."""
        ...

    async def push_retry(self, delivery_id: str, next_attempt_at: str, error: str) -> None:
        """A temporary failure: counted, tried again at ``next_attempt_at``."""
        ...

    async def push_forwarded(self, delivery_id: str, system_id: str, detail: str) -> bool:
        """Taken and committed by another hub (a hub hop, docs/tiers.md): state done, a
        ``forwarded`` event naming the hub (``system_id``); ``detail`` (which hub, its DocId
        there) is what the sender's list shows."""
        ...

    async def push_give_up(
        self, delivery_id: str, system_id: str, state: str, error: str, notify: bool = False
    ) -> bool:
        """Final failure: state ``fail`` (the endpoint refused) or ``expired`` (lifetime).
        ``notify``: an edoc's failure also records its notice, in the same transaction."""
        ...

    async def push_expire(
        self, route: str, accepted_before: str, now: str, reason: str, notify: bool = False
    ) -> int:
        """Every due (not leased) queued delivery of ``route`` accepted before
        ``accepted_before`` becomes ``expired``: ``reason`` + its last error. How many.
        ``notify``: each expired edoc delivery's notice is recorded in the same transaction."""
        ...

    async def notices_pending(self, limit: int = 100) -> list[FailureNotice]:
        """Failure notices not issued yet, oldest first (docs/delivery.md)."""
        ...

    async def notice_issue(
        self,
        delivery_id: str,
        at: str,
        doc: NewDocument | None,
        deliveries: Sequence[NewDelivery],
        note: str = "",
    ) -> bool:
        """Close a pending notice and store its status ``doc`` with its ``deliveries`` (as
        save_incoming), all in one transaction; ``doc`` None closes it with ``note`` only.
        False, and nothing stored, when it was closed already (another node, a retry)."""
        ...

    async def push_quarantine(self, delivery_id: str, reason: str) -> None: ...
    async def push_quarantined(self, limit: int = 100) -> list[PushRow]: ...
    async def push_release(self, delivery_id: str) -> bool:
        """Back in the queue, due at once; False if it was not quarantined."""

    # -- the delivery log (issue 13; docs/delivery-log.md) ------------------------------------
    # Stable API for the CLI (axis/commands/log.py ...), the web console and /metrics, and the
    # features that emit events. Events of intake, fetch, acknowledgement, refusals and the
    # directory are written by the store itself, inside the transaction that makes them true.
    # A store method of a later feature (queue manager, tiers) records its events inside its
    # own transaction: SQLite ``self._log(*events)`` (linked at the commit), PostgreSQL
    # ``await events_postgres.append(conn, events, self.eventlog)`` as its LAST statement
    # (linked by the chainer); outside a store transaction, ``record_event``.

    eventlog: LogSettings  # the hop name stamped on events; set by axis.store.new_store

    async def record_event(self, *events: Event) -> None:
        """Append ``events`` to the chain in one transaction of their own (empty ``at`` = now,
        empty ``hop`` = this hub). Kinds: axis/eventlog/kinds.py."""
        ...

    async def chain_pending(self) -> int:
        """Link committed events not linked yet (PostgreSQL: appenders leave that to one
        chainer, events_postgres.py); how many. SQLite: always 0."""
        ...

    async def list_events(
        self,
        filters: EventFilter = EventFilter(),
        cursor: int | None = None,
        limit: int = 100,
        newest_first: bool = False,
    ) -> list[EventRow]:
        """Events matching ``filters`` in seq order (or newest first), at most ``limit``.
        Keyset paging: pass the last row's ``seq`` as ``cursor`` for the next page."""
        ...

    async def events_for(self, doc_id: str) -> list[EventRow]:
        """One document's timeline, in seq order: by hub DocId or by edXML DocumentId (then
        its refusals too), with its deliveries' events and statuses reported on it."""
        ...

    async def received_hops_since(
        self, after_seq: int, limit: int = 1000
    ) -> list[tuple[int, str, str]]:
        """(seq, at, detail) of ``received`` events that name hops, after ``after_seq``."""
        ...

    async def list_seals(self, from_seq: int = 0) -> list[SealRow]:
        """Hub-signed seals of the chain covering events at or after ``from_seq``, in order."""
        ...

    async def seal_head(
        self, sign: Callable[[int, str, str], tuple[str, str, str]]
    ) -> SealRow | None:
        """Seal the chain's head if it moved since the last seal: ``sign(seq, hash, at)``
        returns (signature, hub, certificate PEM). None when nothing new to seal."""
        ...

    async def queue_shape(self, now: datetime | None = None) -> QueueShape:
        """Open deliveries by destination and age bucket, the oldest, failures in the last
        hour (axis/eventlog/reports.py)."""
        ...

    async def stats(
        self, start: str, end: str, holidays: frozenset[date] = frozenset()
    ) -> list[StatsRow]:
        """Per agency and tier: edocs sent and received in [start, end) (ISO-8601 UTC), received
        ones acknowledged, and acknowledged the same working day (reports.period_bounds)."""
        ...

    async def document_bytes(self, doc_id: str) -> bytes | None:
        """A stored document's exact bytes without marking any delivery fetched (evidence)."""
        ...

    # -- hot path (issue 10): what a request needs, in one store read ----------------------

    async def fetch_delivery(
        self, delivery_id: str, system_id: str, inline_up_to: int
    ) -> tuple[InboxRow, bytes | BlobReader] | None:
        """getEdoc in one read: the delivery with its document (as fetch_document), marked
        fetched, but only when an agency of ``system_id`` receives it; None when it does not
        exist or is someone else's (and then nothing is marked)."""
        ...

    # -- the IT staff console and admin API (issue 13; axis/store/console_queries.py) --------
    async def search_documents(self, where: DocumentFilter, page: Page) -> list[DocumentHit]: ...
    async def document_detail(self, doc_id: str) -> DocumentDetail: ...
    async def queue_lines(self) -> list[QueueLine]: ...
    async def waiting_deliveries(self, state: str, page: Page) -> list[WaitingRow]: ...
    async def overdue_acknowledgements(self, arrived_by: str, page: Page) -> list[WaitingRow]: ...
    async def count_overdue(self, arrived_by: str) -> int: ...
    async def refusal_codes(self) -> list[RefusalCodeLine]: ...
    async def refusals_with_code(self, code: str, page: Page) -> list[RefusalRow]: ...
    async def hub_counts(self) -> HubCounts: ...
    async def documents_per_day(self, message_type: str, since_day: str) -> list[DayCount]: ...
    async def refusals_per_day(self, since_day: str) -> list[DayCount]: ...
    async def agencies_page(self, prefix: str, page: Page) -> list[tuple[str, ...]]: ...
    async def last_event_seq(self) -> int: ...
    async def acknowledged_since(
        self, after_seq: int, limit: int = 1000
    ) -> list[tuple[int, str, str]]: ...
    async def add_operator(self, name: str, password_hash: str, at: str) -> bool: ...
    async def operator_hash(self, name: str) -> str | None: ...
    async def list_operators(self) -> list[Operator]: ...
    async def open_session(
        self, token_sha256: str, operator: str, csrf: str, at: str, expires_at: str
    ) -> None: ...
    async def find_session(self, token_sha256: str, at: str) -> Session | None: ...
    async def close_session(self, token_sha256: str) -> None: ...
