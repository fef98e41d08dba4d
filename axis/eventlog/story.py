"""A document's story: one hub's part of it, and the parts of several hubs merged hop by hop.

Sits between the store and the two ways of reading it (docs/delivery-log.md "Across hubs"):
``hub_trace`` reads one hub's part from its store (``axis trace DOCID``, and each hub's
``GET /admin/trace?doc=``); ``merge`` orders the parts of the hubs a package passed by their
place on its trace (how many hubs it had passed when it arrived: the hops its ``received``
event names, axis/eventlog/hops.py) and ``timeline`` interleaves their events by time, each
tagged with its hub; ``describe`` words one event for a terminal. Kept free of HTTP: the
command (axis/commands/trace.py) fetches, this module only reads and orders.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from axis.eventlog import hops, kinds
from axis.eventlog.event import EventRow
from axis.store.base import DocumentRef, RecipientState, Store


@dataclass(frozen=True)
class HubTrace:
    """One hub's part of a document's story: what it stored and every event it logged.

    ``hub`` is the hub's id on TraceHeaders (Config.hub_id), ``hop`` the name its events carry
    (eventlog.hub_name, else the hub id), ``query`` the DocId or DocumentId asked for."""

    hub: str
    hop: str
    query: str
    documents: list[DocumentRef] = field(default_factory=list)
    recipients: dict[str, list[RecipientState]] = field(default_factory=dict)
    events: list[EventRow] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HubTrace:
        """An answer of GET /admin/trace (or ``--json`` output) read back."""
        recipients = {
            doc: [RecipientState(**{**r, "codes": tuple(r.get("codes", ()))}) for r in rows]
            for doc, rows in data.get("recipients", {}).items()
        }
        return cls(
            hub=str(data["hub"]),
            hop=str(data.get("hop", "")),
            query=str(data.get("query", "")),
            documents=[DocumentRef(**d) for d in data.get("documents", [])],
            recipients=recipients,
            events=[EventRow(**e) for e in data.get("events", [])],
        )

    @property
    def document_ids(self) -> list[str]:
        """The edXML DocumentIds this hub knows the document by (to ask the other hubs)."""
        return list(dict.fromkeys(d.document_id for d in self.documents if d.document_id))

    @property
    def arrived_after(self) -> list[hops.Hop]:
        """The hubs the document had passed when it reached this one ([] = sent here)."""
        edocs = {d.id for d in self.documents if d.message_type == "edoc"}
        received = [e for e in self.events if e.kind == kinds.RECEIVED and e.doc_id in edocs]
        found = [hops.decode(e.detail) for e in received]
        return min(found, key=len) if found else []


async def hub_trace(store: Store, query: str, hub: str, hop: str) -> HubTrace:
    """This hub's part of the story of ``query`` (hub DocId or edXML DocumentId)."""
    events = await store.events_for(query)
    documents: list[DocumentRef] = []
    recipients: dict[str, list[RecipientState]] = {}
    for doc_id in dict.fromkeys(e.doc_id for e in events if e.doc_id):
        if (doc := await store.get_document(doc_id)) is not None:
            documents.append(doc)
            recipients[doc_id] = await store.recipients(doc_id)
    return HubTrace(hub, hop, query, documents, recipients, events)


def merge(parts: list[HubTrace]) -> list[HubTrace]:
    """The hubs' parts in the order the package passed them: by how many hubs it had passed
    on arrival, then by the first event's time (hubs that only saw statuses come last)."""
    known = [p for p in parts if p.events]

    def place(part: HubTrace) -> tuple[int, str]:
        edoc = any(d.message_type == "edoc" for d in part.documents)
        return (len(part.arrived_after) if edoc else 1_000, part.events[0].at)

    return sorted(known, key=place)


def timeline(parts: list[HubTrace]) -> list[tuple[str, EventRow]]:
    """Every event of every part, by time (hop order breaks ties), tagged with its hub."""
    tagged = [(index, part.hub, event) for index, part in enumerate(parts) for event in part.events]
    tagged.sort(key=lambda t: (t[2].at, t[0], t[2].seq))
    return [(hub, event) for _, hub, event in tagged]


def hop_line(number: int, part: HubTrace) -> str:
    """One hop's heading: the hub, where the package came from, how long the hop took."""
    before = part.arrived_after
    received = [e for e in part.events if e.kind == kinds.RECEIVED and hops.decode(e.detail)]
    came = f"after {' > '.join(organ for organ, _ in before)}" if before else "sent here"
    took = ""
    if before and received and (seconds := hops.latency_s(received[0].at, before)) is not None:
        took = f", hop {seconds:.0f} s after {before[-1][0]} accepted it"
    return f"hop {number}: {part.hub} ({came}{took})"


def describe(event: EventRow) -> str:
    """What one event says, in words (the timeline's last column)."""
    who = event.agency or event.system_id
    return {
        kinds.ROUTED: f"to {who} via {event.detail}",
        kinds.FETCHED: f"{who} fetched (system {event.system_id})",
        kinds.ACKNOWLEDGED: f"{who} acknowledged {event.code} {event.detail}".rstrip(),
        kinds.STATUS: f"{who} reported status {event.code}",
        kinds.REFUSED: f"refused {event.code}: {event.detail}",
        kinds.FORWARDED: f"{who} forwarded {event.detail}".rstrip(),
        kinds.SUBSTITUTED: f"{who} retired: delivered to {event.detail}",
    }.get(event.kind, f"{who} {event.detail}".strip())
