"""What an event is: ``Event`` to record, ``EventRow`` as stored (with its chain position).

Kept free of the store and of I/O: the CLI, the offline evidence verifier and both store
backends share these types.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Event:
    """One transition to record (``Store.record_event`` or inside a store transaction).

    ``at``: ISO-8601 UTC (the store's format); "" = now. ``hop``: the hub that recorded it;
    "" = this hub (eventlog.hub_name, else tiers.hub_id). ``actor``: ``system:ID``, ``agency:ID`` or ``hub:NAME``
    (axis.eventlog.kinds.actor_*)."""

    kind: str
    at: str = ""
    doc_id: str = ""
    delivery_id: str = ""
    agency: str = ""
    system_id: str = ""
    actor: str = ""
    hop: str = ""
    code: str = ""
    ref: str = ""  # the edXML DocumentId, when known
    detail: str = ""


# The stored columns in chain order (chain.canonical encodes them in this order).
CONTENT_FIELDS = (
    "at", "kind", "doc_id", "delivery_id", "agency", "system_id", "actor", "hop", "code",
    "ref", "detail",
)  # fmt: skip
ROW_COLUMNS = ("seq", *CONTENT_FIELDS, "prev", "hash")


@dataclass(frozen=True)
class EventRow:
    """A stored event: its content, its sequence number and its chain link."""

    seq: int
    at: str
    kind: str
    doc_id: str
    delivery_id: str
    agency: str
    system_id: str
    actor: str
    hop: str
    code: str
    ref: str
    detail: str
    prev: str
    hash: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class EventFilter:
    """What ``Store.list_events`` selects; every field empty = everything.

    ``agency`` matches the event's agency (sender or recipient) or its system; ``since`` and
    ``until`` compare with ``at`` (ISO-8601 UTC text, until exclusive)."""

    agency: str = ""
    since: str = ""
    until: str = ""
    kind: str = ""
    code: str = ""
    doc_id: str = ""


@dataclass(frozen=True)
class SealRow:
    """A hub-signed checkpoint: the chain up to event ``seq`` ends in ``hash``."""

    id: int
    seq: int
    hash: str
    at: str
    hub: str
    signature: str
    cert: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class LogSettings:
    """How a store writes events (config [eventlog]): the hop name it stamps, and whether the
    delivery log is written at all (on by default; off only to measure its cost)."""

    hub: str = "axis"
    enabled: bool = True
