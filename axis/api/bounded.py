"""Strict readers for what clients send in headers and small JSON bodies (docs/security.md).

Python's ``int`` accepts any Unicode digit ("²", "١٢"), underscores and spaces, and has no
upper bound; ``json.loads`` recurses once per nesting level and dies with RecursionError far
below a header's or body's size. Everything the API reads goes through these instead, so a
hostile value is a catalogued refusal, never a 500.
"""

from __future__ import annotations

import json
from typing import Any

# Deepest JSON nesting accepted anywhere in the API: the SDK's JSON is one level deep.
MAX_JSON_DEPTH = 32


class Unbounded(ValueError):
    """The value is not within the bounds the API accepts; the message says which."""


def ascii_int(text: str, maximum: int) -> int:
    """``text`` as 0..maximum, written in ASCII digits only (no sign, space or underscore)."""
    if not text or not text.isascii() or not text.isdigit():
        raise Unbounded(f"{text[:40]!r} is not a number in ASCII digits")
    if len(text) > len(str(maximum)) or int(text) > maximum:
        raise Unbounded(f"{text[:40]!r} is above {maximum}")
    return int(text)


def json_loads(raw: bytes | str, max_bytes: int, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` after checking size and nesting depth without recursion."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if len(data) > max_bytes:
        raise Unbounded(f"{len(data)} bytes of JSON; the limit is {max_bytes}")
    # Nesting cannot exceed the number of openers: one C-speed count spares the byte-by-byte
    # scan for every flat object (the SDK's sign-header on each request).
    if data.count(b"[") + data.count(b"{") > max_depth and _depth(data) > max_depth:
        raise Unbounded(f"JSON nested deeper than {max_depth} levels")
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise Unbounded(f"not JSON: {exc}") from exc


def _depth(data: bytes) -> int:
    """The deepest [ / { nesting outside strings (a linear scan; invalid JSON is json's job)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest
