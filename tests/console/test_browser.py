"""Headless chromium through the console: login, search, a document page and its timeline.

The real hub serves on 127.0.0.1:0; chromium (Debian's, driven over the DevTools protocol by
tests/console/cdp.py) logs in with the form, searches by subject, opens the hit and reads the
recipient's timeline. Screenshots are kept in tests/console/output/ (gitignored). Without
chromium the test skips saying how to install it; under CI=true it fails. SQLite only: the
browser sees the same pages on both backends, which tests/console/test_pages.py covers.
"""

from __future__ import annotations

import struct

import pytest

from tests.console.cdp import chromium, chromium_binary
from tests.console.conftest import OPERATOR, OUTPUT, PASSWORD
from tests.hub.conftest import A, B, C, document, package_bytes, status

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def store_backend() -> str:
    return "sqlite"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_login_search_document_and_timeline_in_chromium(console_hub, pki, tmp_path) -> None:
    chromium_binary()
    pkg = document(A, (B, C))
    reply = await console_hub.client(A).send_edoc(package_bytes(pki, pkg), A)
    assert reply["status"] == "OK", reply
    await console_hub.client(A).send_edoc(package_bytes(pki, document(A, (C,))), A)
    b = console_hub.client(B)
    for row in (await b.get_received_list())["data"]:
        await b.get_edoc(row["docId"])
        await b.update_status(row["docId"], "done")
    await b.send_edoc(package_bytes(pki, status(B, pkg, "01")), B, "status")

    async with chromium(tmp_path / "profile") as page:
        await page.goto(console_hub.endpoint + "/console/documents")
        assert await page.path() == "/console/login"  # no session: the login form
        shot = await page.screenshot(OUTPUT / "1-login.png")
        assert _png_size(shot)[0] == 1280

        await page.submit("login", {"name": OPERATOR, "password": PASSWORD})
        assert await page.path() == "/console/documents"
        assert OPERATOR in await page.text()

        await page.submit("search", {"subject": pkg.subject})
        results = await page.run("document.querySelectorAll('#results a').length")
        assert results == 2  # time and subject link to the one hit
        assert pkg.subject in await page.text()
        await page.screenshot(OUTPUT / "2-search.png")

        await page.click("#results td a")
        assert await page.path() == f"/console/documents/{reply['DocId']}"
        timeline = await page.run(f"document.getElementById('recipient-{B}').innerText")
        for step in ("Trục đã nhận / accepted", "Bên nhận đã lấy / fetched",
                     "Bên nhận xác nhận / acknowledged", "01 Đã đến / arrived"):  # fmt: skip
            assert step in timeline, timeline
        assert "Chờ nhận / waiting" in await page.run(
            f"document.getElementById('recipient-{C}').innerText"
        )
        shot = await page.screenshot(OUTPUT / "3-document.png")
        assert len(shot) > 20_000  # a rendered page of tables, not a blank one
