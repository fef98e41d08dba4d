"""Reading request bodies with the size limit applied WHILE the bytes stream in (5.1.1).

The limit is checked against Content-Length before reading and against the running total per
chunk, so an oversize upload is refused after at most ``limit`` bytes (plus one chunk) without
relying on aiohttp's client_max_size, and memory stays bounded by the limit.
"""

from __future__ import annotations

from aiohttp import web

from axis.errors import Rejected

CHUNK = 64 * 1024


async def read_limited(request: web.Request, limit: int) -> bytes:
    declared = request.content_length
    if declared is not None and declared > limit:
        raise Rejected("5.1.1", f"Content-Length {declared}; the limit is {limit} bytes.")
    parts: list[bytes] = []
    total = 0
    async for chunk in request.content.iter_chunked(CHUNK):
        total += len(chunk)
        if total > limit:
            raise Rejected("5.1.1", f"More than {limit} bytes.")
        parts.append(chunk)
    return b"".join(parts)
