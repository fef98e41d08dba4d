"""Stopping the hub (SIGTERM, as Ctrl-C's SIGINT) lets a request in flight finish first."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

from tests.support.hubproc import HubProcess
from tests.support.packages import make_package
from tests.support.vxp_client import VxpClient, java_hex_sha256, sdk_body


async def test_a_send_in_flight_at_sigterm_is_answered_and_stored(tmp_path: Path) -> None:
    hub = HubProcess(tmp_path / "hub")
    hub.start()
    try:
        sender, receiver = hub.systems()[0], hub.systems()[2]
        agency, recipient = sender.agencies[0], receiver.agencies[0]
        data = make_package(agency, [recipient], size_kb=64)
        half_sent, stopping = asyncio.Event(), asyncio.Event()

        async def body() -> AsyncIterator[bytes]:
            yield data[: len(data) // 2]
            half_sent.set()
            await stopping.wait()
            await asyncio.sleep(0.3)  # the hub is shutting down while we are mid-body
            yield data[len(data) // 2 :]

        async with aiohttp.ClientSession() as session:
            client = VxpClient(hub.endpoint, sender.system_id, sender.secret, session=session)
            params = {
                "servicetype": "eDoc",
                "messagetype": "edoc",
                "from": agency,
                "hash-file": java_hex_sha256(data),
            }
            call = asyncio.create_task(
                client.call("sendEdoc", params, body(), "application/octet-stream")  # type: ignore[arg-type]
            )
            await half_sent.wait()
            assert hub.process is not None
            hub.process.send_signal(signal.SIGTERM)
            stopping.set()
            status, reply = await call
        assert (status, reply["status"]) == (200, "OK"), reply
        assert await asyncio.to_thread(hub.process.wait, 30) == 0
        hub.start()  # same data dir: the package must be there
        async with aiohttp.ClientSession() as session:
            inbox = VxpClient(hub.endpoint, receiver.system_id, receiver.secret, session=session)
            rows = (await inbox.get_received_list())["data"]
        assert [row["from"] for row in rows] == [agency]
    finally:
        hub.stop()


async def test_a_send_whose_headers_are_still_arriving_at_sigterm_is_answered(
    tmp_path: Path,
) -> None:
    """A request the hub has begun to read but not yet handed to a handler (its headers are
    still arriving) is in flight too: the stop waits for it rather than closing the socket."""
    hub = HubProcess(tmp_path / "hub")
    hub.start()
    try:
        sender = hub.systems()[0]
        agency, recipient = sender.agencies[0], hub.systems()[2].agencies[0]
        data = sdk_body(make_package(agency, [recipient], size_kb=8))
        client = VxpClient(hub.endpoint, sender.system_id, sender.secret, session=None)  # type: ignore[arg-type]
        params = {"servicetype": "eDoc", "messagetype": "edoc", "from": agency}
        params["hash-file"] = java_hex_sha256(data[:-2])
        headers = client.signed_headers(params, "application/octet-stream")
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        request = (
            f"POST /sendEdoc HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
        ).encode() + data
        reader, writer = await asyncio.open_connection("127.0.0.1", hub.port)
        writer.write(request[:40])  # the request line and part of a header
        await writer.drain()
        await asyncio.sleep(0.3)  # the hub has read them
        assert hub.process is not None
        hub.process.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.3)  # the hub is stopping while the headers are unfinished
        writer.write(request[40:])
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 30)
        writer.close()
        assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
        assert b'"status":"OK"' in answer.replace(b" ", b""), answer[-300:]
        assert await asyncio.to_thread(hub.process.wait, 30) == 0
    finally:
        hub.stop()
