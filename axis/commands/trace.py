"""``axis trace DOCID``: one document's timeline across its recipients and hops.

DOCID is the hub DocId (what sendEdoc answered) or the edXML DocumentId (then refusals of
that DocumentId show too). First the document, then one line per recipient (where it stands),
then every event in order.

With ``--hub URL`` (repeated), the story across the hubs the package passed
(docs/delivery-log.md "Across hubs"): each hub answers ``GET /admin/trace?doc=`` with its part
(the admin token: ``--token`` or AXIS_ADMIN_TOKEN); a hub that does not know DOCID (5.8.17)
is asked again by the DocumentId the others know it by. ``--hub FILE`` reads that hub's store
through its config instead (a hub on this machine, no token needed). The parts are ordered hop
by hop (axis/eventlog/story.py), then every event of every hub by time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from dataclasses import asdict, dataclass

import aiohttp

from axis import config as config_mod
from axis.commands.eventlog_common import add_common, print_json, short_time, with_store
from axis.config import Config
from axis.eventlog import story
from axis.eventlog.story import HubTrace
from axis.store import open_store
from axis.store.base import Store

TIMEOUT_S = 15.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "trace", help="a document's timeline: recipients, hops, every event"
    )
    parser.add_argument("doc", metavar="DOCID", help="hub DocId or edXML DocumentId")
    parser.add_argument(
        "--hub",
        action="append",
        default=[],
        metavar="URL|FILE",
        help="a hub the package passed: its URL (GET /admin/trace) or its config file; repeat",
    )
    parser.add_argument("--token", default="", help="admin API token (default AXIS_ADMIN_TOKEN)")
    add_common(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.hub:
        return _across(args)

    async def work(store: Store, cfg: Config) -> HubTrace:
        return await story.hub_trace(store, args.doc, cfg.hub_id, cfg.hop_name)

    part = with_store(args, work)
    if args.json:
        print_json(
            {
                "documents": [asdict(doc) for doc in part.documents],
                "recipients": {k: [asdict(r) for r in v] for k, v in part.recipients.items()},
                "events": [e.as_dict() for e in part.events],
            }
        )
        return 0 if part.events else 1
    if not part.events:
        print(f"no events for {args.doc}")
        return 1
    _print_documents(part)
    print()
    for event in part.events:
        print(f"{short_time(event.at)}  [{event.hop}] {event.kind:<13} {story.describe(event)}")
    return 0


def _print_documents(part: HubTrace, indent: str = "") -> None:
    for doc in part.documents:
        print(f"{indent}document {doc.id}  {doc.message_type}  from {doc.from_agency} "
              f"({doc.system_id})")  # fmt: skip
        print(f"{indent}  DocumentId {doc.document_id}  {doc.notation}  {doc.subject}")
        print(f"{indent}  received {short_time(doc.created_at)}  {doc.size} bytes  "
              f"sha256 {doc.sha256}")  # fmt: skip
        for r in part.recipients.get(doc.id, []):
            status = f"status {r.biz_status}" if r.biz_status else "no status yet"
            print(f"{indent}  -> {r.agency:<16} {r.state:<8} {status}  docId {r.delivery_id}")


@dataclass
class Answer:
    """One hub's answer: its part, or why there is none (a code and reason, or an error)."""

    source: str
    part: HubTrace | None = None
    problem: str = ""


def _across(args: argparse.Namespace) -> int:
    token = args.token or os.environ.get("AXIS_ADMIN_TOKEN", "")
    answers = asyncio.run(gather(args.hub, args.doc, token))
    parts = story.merge([a.part for a in answers if a.part is not None])
    if args.json:
        print_json(
            {
                "query": args.doc,
                "hops": [p.as_dict() for p in parts],
                "unanswered": {a.source: a.problem for a in answers if a.part is None},
                "timeline": [{"hub": hub, **e.as_dict()} for hub, e in story.timeline(parts)],
            }
        )
        return 0 if parts else 1
    for answer in answers:
        if answer.part is None:
            print(f"{answer.source}: {answer.problem}")
    if not parts:
        print(f"no hub knows {args.doc}")
        return 1
    for number, part in enumerate(parts, 1):
        print(story.hop_line(number, part))
        _print_documents(part, indent="  ")
    print()
    width = max(len(p.hub) for p in parts)
    for hub, event in story.timeline(parts):
        print(f"{short_time(event.at)}  [{hub:<{width}}] {event.kind:<13} {story.describe(event)}")
    return 0


async def gather(sources: list[str], query: str, token: str) -> list[Answer]:
    """Every source's part of ``query``'s story; sources that do not know it are asked again
    by the DocumentIds the others know it by."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)) as session:
        answers = await asyncio.gather(*(_ask(session, s, query, token) for s in sources))
        refs = [ref for a in answers if a.part for ref in a.part.document_ids if ref != query]
        for index, answer in enumerate(answers):
            for ref in dict.fromkeys(refs):
                if answer.part is not None:
                    break
                again = await _ask(session, answer.source, ref, token)
                answers[index] = answer = again if again.part is not None else answer
    return list(answers)


async def _ask(session: aiohttp.ClientSession, source: str, query: str, token: str) -> Answer:
    if not source.startswith(("http://", "https://")):
        return await _read_config(source, query)
    url = source.rstrip("/") + "/admin/trace"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        async with session.get(url, params={"doc": query}, headers=headers) as response:
            body = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        return Answer(source, problem=f"unreachable: {error or type(error).__name__}")
    if response.status != 200:
        return Answer(
            source, problem=f"{body.get('code', response.status)} {body.get('reason', '')}"
        )
    return Answer(source, HubTrace.from_dict(body))


async def _read_config(path: str, query: str) -> Answer:
    cfg = config_mod.load(path)
    store = await open_store(cfg)
    try:
        part = await story.hub_trace(store, query, cfg.hub_id, cfg.hop_name)
    finally:
        await store.close()
    if not part.events:
        return Answer(path, problem=f"5.8.17 no event for {query} at {cfg.hub_id}")
    return Answer(path, part)
