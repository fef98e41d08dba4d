"""Headless chromium driven over the DevTools protocol with aiohttp (no Selenium, no driver).

``Chromium.start`` launches the browser on a free DevTools port with a throwaway profile and
opens a page; ``Page`` sends commands and waits for events over its websocket: navigate, run a
script in the page (fill and submit a form, read text), wait for the load, take a screenshot.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

_LISTENING = re.compile(rb"DevTools listening on (ws://\S+)")


def chromium_binary() -> str:
    """The browser, or a skip saying how to get it (a failure under CI=true)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is missing under CI: `make test` installs it (make chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium; `make chromium` under CI)")


class Page:
    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        async for message in self.socket:
            data = json.loads(message.data)
            if "id" in data and data["id"] in self.pending:
                self.pending.pop(data["id"]).set_result(data)
            elif "method" in data:
                await self.events.put(data)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self.ids)
        self.pending[number] = asyncio.get_running_loop().create_future()
        await self.socket.send_json({"id": number, "method": method, "params": params})
        reply = await asyncio.wait_for(self.pending[number], 30)
        assert "error" not in reply, reply
        return dict(reply.get("result", {}))

    async def loaded(self, action: Any) -> None:
        """Run ``action`` (a coroutine that starts a navigation) and wait for the new page."""
        while not self.events.empty():
            self.events.get_nowait()
        await action
        while (await asyncio.wait_for(self.events.get(), 30))["method"] != "Page.loadEventFired":
            pass

    async def goto(self, url: str) -> None:
        await self.loaded(self.send("Page.navigate", url=url))

    async def run(self, script: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=script, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    async def submit(self, form: str, fields: dict[str, str]) -> None:
        """Fill a form's fields (by element id) and submit it like a click on its button."""
        fill = "".join(
            f"document.getElementById({json.dumps(k)}).value = {json.dumps(v)};"
            for k, v in fields.items()
        )
        await self.loaded(
            self.run(f"{fill} document.getElementById({json.dumps(form)}).requestSubmit(); 0")
        )

    async def click(self, selector: str) -> None:
        await self.loaded(self.run(f"document.querySelector({json.dumps(selector)}).click(); 0"))

    async def text(self) -> str:
        return str(await self.run("document.body.innerText"))

    async def path(self) -> str:
        return str(await self.run("location.pathname"))

    async def screenshot(self, path: Path) -> bytes:
        shot = await self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        data = base64.b64decode(shot["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data


@contextlib.asynccontextmanager
async def chromium(profile: Path) -> AsyncIterator[Page]:
    process = await asyncio.create_subprocess_exec(
        chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--no-default-browser-check", f"--user-data-dir={profile}", "--remote-debugging-port=0",
        "--remote-debugging-address=127.0.0.1", "--window-size=1280,1000", "about:blank",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        browser_ws = await asyncio.wait_for(_devtools_url(process.stderr), 60)
        http = "http://" + browser_ws.split("/")[2]
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{http}/json/list") as response:
                targets = [t for t in await response.json() if t["type"] == "page"]
            async with session.ws_connect(targets[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                page = Page(ws)
                await page.send("Page.enable")
                try:
                    yield page
                finally:
                    page.reader.cancel()
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


async def _devtools_url(stderr: asyncio.StreamReader) -> str:
    while line := await stderr.readline():
        if found := _LISTENING.search(line):
            return found.group(1).decode()
    raise AssertionError("chromium exited before it opened its DevTools port")
