"""Appending a hop to the routing trace without touching any other byte of the package.

Each system that handles a package appends one TraceHeader (docs/domain.md §3). The package is
stored and forwarded as received, and the sender's signature must keep verifying at every hop,
so the new element is spliced in as raw bytes: right after the last TraceHeader of
edXMLHeader/TraceHeaderList, or, if there is none, right after the TraceHeaderList start tag.
Only the element itself is inserted (no whitespace between elements): signatures made by axis
subtract TraceHeader elements with an XPath Filter 2.0 transform, so the element vanishes from
the signed node set, while any new whitespace text node beside it would not. Decision recorded
in docs/decisions.md, "Hop trace and the sender's signature".

A package with no TraceHeaderList gets one after MessageHeader (declaring the edXML namespace
itself); packages axis builds always carry one, so this only happens to foreign packages, and
it changes signed structure: see the decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from axis.edxml.dates import parse_timestamp
from axis.edxml.load import NS
from axis.errors import Rejected

# XML markup in the header region: comments, CDATA, PIs/declaration, and tags (attribute values
# may contain ">" so they are matched as quoted strings).
_TOKEN = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
    rb"|<(?P<close>/)?(?P<name>[^\s/>!?]+)(?P<attrs>(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(?P<empty>/)?>",
    re.S,
)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


@dataclass
class _Spot:
    at: int  # byte offset where the new bytes go
    prefix: str  # "edXML:" or "" as used by the surrounding elements
    wrap: bool  # True: no TraceHeaderList yet, create one around the TraceHeader
    replace_to: int = -1  # a self-closing <TraceHeaderList/> is replaced up to this offset


def append_trace(data: bytes, organ_id: str, timestamp: str) -> bytes:
    """``data`` with one more TraceHeader(organ_id, timestamp); every other byte unchanged."""
    if parse_timestamp(timestamp) is None:
        raise ValueError(f"timestamp {timestamp!r} is not yyyy/MM/dd HH:mm:ss")
    spot = _find(data)
    p = spot.prefix
    element = (
        f"<{p}TraceHeader><{p}OrganId>{organ_id.translate(_ESCAPES)}</{p}OrganId>"
        f"<{p}Timestamp>{timestamp}</{p}Timestamp></{p}TraceHeader>"
    )
    if spot.replace_to >= 0:  # <TraceHeaderList/>: reopen it (keeping its attributes)
        start_tag = re.sub(rb"\s*/>$", b">", data[spot.at : spot.replace_to])
        closing = f"</{p}TraceHeaderList>".encode()
        return data[: spot.at] + start_tag + element.encode() + closing + data[spot.replace_to :]
    if spot.wrap:  # declare the namespace on the new list: no prefix needs to be in scope
        element = element.replace(f"<{p}", "<").replace(f"</{p}", "</")
        element = f'<TraceHeaderList xmlns="{NS}">{element}</TraceHeaderList>'
    return data[: spot.at] + element.encode() + data[spot.at :]


def _local(name: bytes) -> tuple[str, str]:
    text = name.decode("utf-8", "replace")
    prefix, _, local = text.rpartition(":")
    return (prefix + ":" if prefix else ""), local


def _find(data: bytes) -> _Spot:
    """Walk the markup of edXML/edXMLEnvelope/edXMLHeader and locate the insertion point."""
    path: list[str] = []
    list_spot: _Spot | None = None
    message_end: _Spot | None = None
    for token in _TOKEN.finditer(data):
        name = token["name"]
        if name is None:
            continue
        prefix, local = _local(name)
        if token["close"]:
            if path[-2:] == ["edXMLHeader", "MessageHeader"] and local == "MessageHeader":
                message_end = _Spot(token.end(), prefix, wrap=True)
            if path[-2:] == ["edXMLHeader", "TraceHeaderList"] and list_spot is not None:
                return list_spot
            if path[-2:] == ["TraceHeaderList", "TraceHeader"] and list_spot is not None:
                list_spot = _Spot(token.end(), list_spot.prefix, wrap=False)
            if local == "edXMLHeader" and path[-1:] == ["edXMLHeader"]:
                break
            path.pop()
            continue
        if path == ["edXML", "edXMLEnvelope", "edXMLHeader"] and local == "TraceHeaderList":
            if token["empty"]:
                return _Spot(token.start(), prefix, wrap=True, replace_to=token.end())
            list_spot = _Spot(token.end(), prefix, wrap=False)
        if not token["empty"]:
            path.append(local)
    if message_end is None:
        raise Rejected("5.4.1", "no edXMLHeader/MessageHeader to put a TraceHeader after")
    return message_end
