"""``axis trace DOCID``: one document's timeline across its recipients and hops.

DOCID is the hub DocId (what sendEdoc answered) or the edXML DocumentId (then refusals of
that DocumentId show too). First the document, then one line per recipient (where it stands),
then every event in order.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict

from axis.commands.eventlog_common import add_common, print_json, short_time, with_store
from axis.config import Config
from axis.eventlog import kinds
from axis.eventlog.event import EventRow
from axis.store.base import DocumentRef, RecipientState, Store

Found = tuple[list[EventRow], dict[str, DocumentRef], dict[str, list[RecipientState]]]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "trace", help="a document's timeline: recipients, hops, every event"
    )
    parser.add_argument("doc", metavar="DOCID", help="hub DocId or edXML DocumentId")
    add_common(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    async def work(store: Store, _: Config) -> Found:
        events = await store.events_for(args.doc)
        docs: dict[str, DocumentRef] = {}
        recipients: dict[str, list[RecipientState]] = {}
        for doc_id in dict.fromkeys(e.doc_id for e in events if e.doc_id):
            if (doc := await store.get_document(doc_id)) is not None:
                docs[doc_id] = doc
                recipients[doc_id] = await store.recipients(doc_id)
        return events, docs, recipients

    events, docs, recipients = with_store(args, work)
    if args.json:
        print_json(
            {
                "documents": [asdict(doc) for doc in docs.values()],
                "recipients": {k: [asdict(r) for r in v] for k, v in recipients.items()},
                "events": [e.as_dict() for e in events],
            }
        )
        return 0 if events else 1
    if not events:
        print(f"no events for {args.doc}")
        return 1
    for doc in docs.values():
        print(f"document {doc.id}  {doc.message_type}  from {doc.from_agency} ({doc.system_id})")
        print(f"  DocumentId {doc.document_id}  {doc.notation}  {doc.subject}")
        print(f"  received {short_time(doc.created_at)}  {doc.size} bytes  sha256 {doc.sha256}")
        for r in recipients.get(doc.id, []):
            status = f"status {r.biz_status}" if r.biz_status else "no status yet"
            print(f"  -> {r.agency:<16} {r.state:<8} {status}  docId {r.delivery_id}")
    print()
    for event in events:
        print(_timeline_line(event))
    return 0


def _timeline_line(event: EventRow) -> str:
    who = event.agency or event.system_id
    what = {
        kinds.ROUTED: f"to {who} via {event.detail}",
        kinds.FETCHED: f"{who} fetched (system {event.system_id})",
        kinds.ACKNOWLEDGED: f"{who} acknowledged {event.code} {event.detail}".rstrip(),
        kinds.STATUS: f"{who} reported status {event.code}",
        kinds.REFUSED: f"refused {event.code}: {event.detail}",
    }.get(event.kind, f"{who} {event.detail}".strip())
    return f"{short_time(event.at)}  [{event.hop}] {event.kind:<13} {what}"
