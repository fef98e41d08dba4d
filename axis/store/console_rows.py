"""What the console and the admin API read from the store (docs/console.md): rows and filters.

Plain frozen dataclasses, shared by both backends' console queries (console_queries.py) and by
axis/console/ and axis/admin/, which never see SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    """Keyset paging: where the last page ended ("" = from the start), and its size."""

    after: str = ""
    limit: int = 50


@dataclass(frozen=True)
class DocumentFilter:
    """Search documents: every non-empty field must match (dates are YYYY-MM-DD, UTC)."""

    hub_id: str = ""
    document_id: str = ""
    notation: str = ""
    sender: str = ""
    recipient: str = ""
    subject: str = ""  # a substring
    since: str = ""  # on or after this day
    until: str = ""  # on or before this day
    message_type: str = ""  # edoc | status
    state: str = ""  # a recipient's transport state: queued | fetched | done | fail
    biz_status: str = ""  # a recipient's latest business status, e.g. "01"


@dataclass(frozen=True)
class RecipientLine:
    agency: str
    state: str
    biz_status: str


@dataclass(frozen=True)
class DocumentHit:
    id: str
    created_at: str
    message_type: str
    from_agency: str
    document_id: str
    notation: str
    subject: str
    status_code: str
    recipients: tuple[RecipientLine, ...] = ()


@dataclass(frozen=True)
class DeliveryRow:
    id: str
    doc_id: str
    agency: str
    route: str
    state: str
    attempts: int
    last_error: str
    biz_status: str
    biz_status_at: str
    pending_change: int
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class EventRow:
    seq: int
    at: str
    kind: str
    doc_id: str
    delivery_id: str
    agency: str
    system_id: str
    detail: str


@dataclass(frozen=True)
class StatusRow:
    agency: str
    code: str
    status_doc: str
    created_at: str


@dataclass(frozen=True)
class DocumentDetail:
    """A document's page: its deliveries, events, reported statuses and related packages."""

    deliveries: tuple[DeliveryRow, ...]
    events: tuple[EventRow, ...]
    statuses: tuple[StatusRow, ...]
    related: tuple[DocumentHit, ...]  # statuses and updates whose original is this document


@dataclass(frozen=True)
class QueueLine:
    """Open deliveries of one destination (a route) in one state."""

    destination: str
    state: str
    count: int
    oldest: str


@dataclass(frozen=True)
class WaitingRow:
    delivery: DeliveryRow
    from_agency: str
    notation: str
    subject: str


@dataclass(frozen=True)
class RefusalCodeLine:
    code: str
    count: int
    first: str
    last: str


@dataclass(frozen=True)
class RefusalRow:
    seq: int
    at: str
    request_id: str
    code: str
    system_id: str
    from_agency: str
    document_id: str
    reason: str


@dataclass(frozen=True)
class DayCount:
    day: str
    count: int


@dataclass(frozen=True)
class HubCounts:
    """Exact totals read from the store (the statistics page and /metrics)."""

    documents_by_type: dict[str, int] = field(default_factory=dict)
    deliveries_by_state: dict[str, int] = field(default_factory=dict)
    biz_status: dict[str, int] = field(default_factory=dict)  # edoc deliveries; "" = none yet
    refusals_by_code: dict[str, int] = field(default_factory=dict)
    queue: tuple[QueueLine, ...] = ()


@dataclass(frozen=True)
class Operator:
    name: str
    created_at: str


@dataclass(frozen=True)
class Session:
    operator: str
    csrf: str
    expires_at: str
