"""A client that announces an oversize body with ``Expect: 100-continue`` is refused (5.1.1) before
it is told to send it: no 100 Continue, no body read, the refusal logged and counted. On both
doors: the SDK API and the provincial gateway's REST dialect (docs/gateway.md), whose routes
each refuse beyond their own limit, answering in the dialect's shape."""

from __future__ import annotations

import asyncio
import json

import pytest
from yarl import URL

from axis.api.app import CONFIG, DAEMON

HEAD = (
    "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/octet-stream\r\n"
    "Content-Length: {length}\r\nExpect: 100-continue\r\n\r\n"
)
GATEWAY = "/truclienthong/v1.0.0"


async def _head_only(url: str, length: int, path: str = "/sendEdoc", method: str = "POST") -> bytes:
    """Send the head alone and return what the hub answers first (10 s at most)."""
    target = URL(url)
    reader, writer = await asyncio.open_connection(target.host, target.port)
    try:
        head = HEAD.format(method=method, path=path, host=target.host, length=length)
        writer.write(head.encode())
        await writer.drain()
        return await asyncio.wait_for(reader.read(65536), 10)
    finally:
        writer.close()


async def test_a_declared_oversize_body_is_refused_before_100_continue(hub) -> None:
    limit = hub.app[CONFIG].intake.max_body_bytes
    answer = await _head_only(hub.endpoint, 2 * 1024**3)
    status_line = answer.split(b"\r\n", 1)[0]
    assert b" 100 " not in status_line and b" 413 " in status_line, answer[:200]
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert (body["ErrorCode"], body["DocId"]) == ("5.1.1", ""), body
    assert str(limit) in body["ErrorDesc"]


async def test_a_body_within_the_limit_gets_100_continue(hub) -> None:
    answer = await _head_only(hub.endpoint, 1000)
    assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), answer[:200]


@pytest.mark.parametrize(
    ("method", "path", "length"),
    [
        ("POST", f"{GATEWAY}/vanbans", 2 * 1024**3),  # beyond the largest package in base64
        ("PUT", f"{GATEWAY}/vanbans/some-delivery", 1024**2),  # an acknowledgement is small
        ("POST", f"{GATEWAY}/donvilienthongs", 1024**2),
        ("POST", "/token", 1024**2),
    ],
)
async def test_the_gateway_door_refuses_a_declared_oversize_body_before_100_continue(
    hub, method: str, path: str, length: int
) -> None:
    answer = await _head_only(hub.endpoint, length, path, method)
    status_line = answer.split(b"\r\n", 1)[0]
    assert b" 100 " not in status_line and b" 413 " in status_line, answer[:200]
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert (body["status"], body["errorCode"], body["data"]) == ("FAIL", "5.1.1", None), body
    assert hub.app[DAEMON].refusals.snapshot()["by_code"] == {"5.1.1": 1}  # counted


async def test_a_gateway_send_within_its_limit_gets_100_continue(hub) -> None:
    limit = hub.app[CONFIG].intake.max_body_bytes
    answer = await _head_only(hub.endpoint, limit + 1, f"{GATEWAY}/vanbans")  # base64 is larger
    assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), answer[:200]
