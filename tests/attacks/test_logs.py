"""Logs under attack (docs/security.md, Logs and shutdown): JSON lines keep tracebacks, and a
client that hangs up mid-request is an info line, not an internal error (5.7.3)."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator

import pytest

from axis import logs
from tests.hub.conftest import A
from tests.support.vxp_client import java_hex_sha256


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    logs.setup("json", "info", stream)
    yield stream
    logs.setup("console", "info")


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_json_logs_carry_the_traceback(json_log) -> None:
    try:
        {}["missing"]
    except KeyError:
        logs.get("axis.test").exception("internal error", request_id="r1")
    (line,) = _lines(json_log)
    assert line["event"] == "internal error"
    assert "Traceback" in line["exception"] and "KeyError" in line["exception"]


async def test_a_client_that_hangs_up_mid_body_is_logged_as_a_disconnect(hub, json_log) -> None:
    headers = hub.client(A).signed_headers(
        {"servicetype": "eDoc", "messagetype": "edoc", "from": A,
         "hash-file": java_hex_sha256(b"x")},
        "application/octet-stream",
    )  # fmt: skip
    host, port = hub.endpoint.removeprefix("http://").split(":")
    _reader, writer = await asyncio.open_connection(host, int(port))
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(
        f"POST /sendEdoc HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n{head}\r\n".encode()
    )
    writer.write(b"<edXML" * 100)
    await writer.drain()
    await asyncio.sleep(0.2)
    writer.transport.abort()  # a reset, as a crashed client would
    for _ in range(100):
        if any(line["event"] == "client disconnected" for line in _lines(json_log)):
            break
        await asyncio.sleep(0.02)
    lines = _lines(json_log)
    assert not [line for line in lines if line["level"] in ("error", "critical")], lines
    (gone,) = [line for line in lines if line["event"] == "client disconnected"]
    assert gone["level"] == "info" and gone["path"] == "/sendEdoc"
