"""The console over HTTP, on both store backends: only when configured, login with sessions
that expire and CSRF on every form, and each page showing what the store holds
(docs/console.md)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from axis.console.sessions import SESSION_COOKIE, token_hash
from axis.console.workday import store_time
from axis.edxml.trace import append_trace
from tests.console.conftest import OPERATOR, Browserless
from tests.hub.conftest import A, B, C, document, package_bytes, status


async def _send(hub, pki, sender: str, recipients: tuple[str, ...], **kw) -> tuple[str, object]:
    pkg = document(sender, recipients, **kw)
    reply = await hub.client(sender).send_edoc(package_bytes(pki, pkg), sender)
    assert reply["status"] == "OK", reply
    return str(reply["DocId"]), pkg


async def _pull(hub, agency: str) -> None:
    client = hub.client(agency)
    for row in (await client.get_received_list())["data"]:
        assert (await client.get_edoc(row["docId"]))["status"] == "OK"
        assert (await client.update_status(row["docId"], "done"))["status"] == "OK"


async def test_without_configuration_there_is_no_console_and_no_admin_api(hub) -> None:
    for path in ("/console/", "/console/login", "/admin/stats", "/admin/openapi.json"):
        async with hub.session.get(hub.endpoint + path) as response:
            assert response.status == 404, path
            assert (await response.json())["ErrorCode"] == "5.1.6"


async def test_pages_need_a_session_and_login_checks_password_and_csrf(
    browser: Browserless,
) -> None:
    status_, _ = await browser.get("/console/documents")
    assert status_ == 303
    wrong = await browser.login(password="not the password at all")
    assert wrong.status == 401
    unknown = await browser.login(name="nobody", password="whatever whatever")
    assert unknown.status == 401
    # The login form's token must match its cookie (double submit).
    forged = await browser.post("/console/login", {"csrf": "forged", "name": OPERATOR,
                                                   "password": "x"})  # fmt: skip
    assert forged.status == 403
    ok = await browser.login()
    assert ok.status == 303 and ok.headers["Location"] == "/console/documents"
    cookie = ok.cookies[SESSION_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/console/"
    status_, page = await browser.get("/console/documents")
    assert status_ == 200 and OPERATOR in page


async def test_a_post_without_the_session_csrf_token_is_refused_5_8_16(browser) -> None:
    await browser.login()
    refused = await browser.post("/console/logout", {"csrf": "guessed"})
    assert refused.status == 403
    assert (await browser.get("/console/documents"))[
        0
    ] == 200  # still logged in: the forged logout did nothing
    done = await browser.post("/console/logout", {"csrf": await browser.csrf()})
    assert done.status == 303
    assert (await browser.get("/console/documents"))[0] == 303


async def test_an_expired_session_logs_nobody_in(console_hub, browser) -> None:
    token, now = "an-expired-session-token", datetime.now(UTC)
    await console_hub.store.open_session(
        token_hash(token), OPERATOR, "csrf", store_time(now - timedelta(hours=9)),
        store_time(now - timedelta(seconds=1)),
    )  # fmt: skip
    browser.session.cookie_jar.update_cookies({SESSION_COOKIE: token})
    assert (await browser.get("/console/documents"))[0] == 303
    # The database holds only the token's hash: the hash itself is not a session.
    browser.session.cookie_jar.update_cookies({SESSION_COOKIE: token_hash(token)})
    assert (await browser.get("/console/documents"))[0] == 303


async def test_repeated_failed_logins_are_throttled_4_8_1(browser) -> None:
    for _ in range(10):
        assert (await browser.login(password="wrong password, again")).status == 401
    throttled = await browser.login()
    assert throttled.status == 429 and "Retry-After" in throttled.headers


def _hub_ids(page: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="/console/documents/([0-9a-f-]{36})"', page)))


async def test_search_by_each_field_with_keyset_pages(console_hub, browser, pki) -> None:
    first, _ = await _send(console_hub, pki, A, (B,))
    second, pkg2 = await _send(console_hub, pki, A, (B,))
    third, _ = await _send(console_hub, pki, A, (C,))
    await browser.login()

    async def search(**query: str) -> list[str]:
        status_, page = await browser.get("/console/documents", **query)
        assert status_ == 200, page
        return _hub_ids(page)

    assert await search() == [third, second, first]
    assert await search(recipient=C) == [third]
    assert await search(recipient=B) == [second, first]
    assert await search(sender=A, notation=pkg2.code.code_notation) == [third, second, first]
    assert await search(hub_id=second) == [second]
    assert await search(document_id=pkg2.document_id) == [second]
    assert await search(subject=pkg2.subject) == [second]
    assert await search(subject="100%_") == []  # LIKE wildcards are taken literally
    today = datetime.now(UTC).date().isoformat()
    assert await search(since=today, until=today) == [third, second, first]
    assert await search(until="2020-01-01") == []
    # Keyset pages: two, then the rest through the next link.
    _, page = await browser.get("/console/documents", limit="2")
    assert _hub_ids(page) == [third, second]
    next_link = re.search(r'href="([^"]+)" id="next"', page)
    assert next_link and next_link.group(1)
    _, rest = await browser.get(next_link.group(1).replace("&amp;", "&"))
    assert _hub_ids(rest) == [first]
    # Transport state and business status of a recipient.
    await _pull(console_hub, C)
    assert await search(state="done") == [third]
    reply = await console_hub.client(B).send_edoc(
        package_bytes(pki, status(B, pkg2, "01")), B, "status"
    )
    assert reply["status"] == "OK", reply
    assert await search(biz_status="01", message_type="edoc") == [second]


async def test_a_bad_parameter_is_a_page_with_its_code_5_1_5(browser) -> None:
    await browser.login()
    status_, page = await browser.get("/console/documents", since="yesterday")
    assert status_ == 400 and "5.1.5" in page and "since" in page


async def test_the_document_page_tells_each_recipients_story(console_hub, browser, pki) -> None:
    doc_id, pkg = await _send(console_hub, pki, A, (B, C))
    await _pull(console_hub, B)
    for code in ("01", "03"):
        reply = await console_hub.client(B).send_edoc(
            package_bytes(pki, status(B, pkg, code)), B, "status"
        )
        assert reply["status"] == "OK", reply
    await browser.login()
    status_, page = await browser.get(f"/console/documents/{doc_id}")
    assert status_ == 200, page
    sections = {part.split('"', 1)[0]: part for part in page.split('id="recipient-')[1:]}
    b_part = sections[B].split("</section>")[0].split('<ol class="timeline">')[1]
    story = ["Trục đã nhận / accepted", "Bên nhận đã lấy / fetched", "Bên nhận xác nhận",
             "01 Đã đến / arrived", "03 Đã tiếp nhận / received"]  # fmt: skip
    positions = [b_part.index(step) for step in story]
    assert positions == sorted(positions), b_part
    c_part = sections[C].split("</section>")[0]
    assert "Chờ nhận / waiting" in c_part and "Đã đến" not in c_part
    assert pkg.subject in page
    assert (await browser.get("/console/documents/no-such-id"))[0] == 404


async def test_the_document_page_shows_the_hubs_a_package_came_through(
    console_hub, browser, pki
) -> None:
    # Quảng Nam's hub (system 00.47.W00) hands over a package it accepted 3 s ago: its
    # TraceHeader is the last one (docs/tiers.md "Hops and loops").
    stamp = (datetime.now() - timedelta(seconds=3)).astimezone().strftime("%Y/%m/%d %H:%M:%S")
    data = append_trace(package_bytes(pki, document(B, (A,))), "00.47.W00", stamp)
    reply = await console_hub.client(B).send_edoc(data, B)
    assert reply["status"] == "OK", reply
    direct, _ = await _send(console_hub, pki, A, (B,))
    await browser.login()
    _, page = await browser.get(f"/console/documents/{reply['DocId']}")
    rows = re.findall(r'<td class="code">([^<]*)</td><td class="code">([^<]*)</td><td>([^<]*)<',
                      page.split('id="hops"')[1].split("</table>")[0])  # fmt: skip
    assert rows[0] == ("00.47.W00", stamp, "TraceHeader")
    assert rows[1][0] == "vxp.national" and rows[1][2] == "this hub accepted it"
    assert len(rows) == 2
    _, page = await browser.get(f"/console/documents/{direct}")
    hops = page.split('id="hops"')[1].split("</table>")[0]
    assert "00.47.W00" not in hops and "vxp.national" in hops  # sent here directly
    # /metrics timed that hop from the TraceHeader (whole seconds: 3 to 4 s here)
    async with console_hub.session.get(console_hub.endpoint + "/metrics") as response:
        metrics = await response.text()
    assert 'axis_hop_latency_seconds_bucket{le="2.0"} 0.0' in metrics
    assert 'axis_hop_latency_seconds_bucket{le="5.0"} 1.0' in metrics
    assert "axis_hop_latency_seconds_count 1.0" in metrics


async def test_queue_overdue_refusals_directory_and_statistics(console_hub, browser, pki) -> None:
    doc_id, pkg = await _send(console_hub, pki, A, (B, C))
    refused = await console_hub.client(A).send_edoc(
        package_bytes(pki, document(A, ("000.00.00.H99",))), A
    )
    assert refused["ErrorCode"] == "5.5.1", refused
    await browser.login()

    _, queue = await browser.get("/console/queue", state="queued")
    assert "00.47.W00" in queue and "00.41.W00" in queue and doc_id in queue
    _, refusals = await browser.get("/console/refusals")
    assert "5.5.1" in refusals and "route.unknown-recipient" in refusals
    _, by_code = await browser.get("/console/documents", code="5.5.1")
    assert "000.00.00.H99" in by_code
    _, directory = await browser.get("/console/directory", prefix="000.00.00.H4")
    assert B in directory and C in directory and A not in directory.split('id="agencies"')[1]
    _, stats = await browser.get("/console/stats")
    assert "<svg" in stats and "Văn bản / document" in stats
    # Overdue: nothing arrived before the last working-day end yet; at "now", both recipients
    # lack 01 until B reports it.
    _, overdue = await browser.get("/console/overdue")
    assert doc_id not in overdue
    now = store_time(datetime.now(UTC))
    assert {w.delivery.agency for w in await console_hub.store.overdue_acknowledgements(
        now, _page())} == {B, C}  # fmt: skip
    await console_hub.client(B).send_edoc(package_bytes(pki, status(B, pkg, "01")), B, "status")
    late = await console_hub.store.overdue_acknowledgements(now, _page())
    assert [w.delivery.agency for w in late] == [C]
    assert await console_hub.store.count_overdue(now) == 1


def _page():
    from axis.store.console_rows import Page

    return Page()


async def test_a_hostile_subject_is_shown_as_text_never_run(console_hub, browser, pki) -> None:
    import dataclasses

    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    pkg = dataclasses.replace(document(A, (B,)), subject=hostile)
    reply = await console_hub.client(A).send_edoc(package_bytes(pki, pkg), A)
    assert reply["status"] == "OK", reply
    await browser.login()
    for path in ("/console/documents", f"/console/documents/{reply['DocId']}"):
        async with browser.session.get(browser.endpoint + path) as response:
            page = await response.text()
            csp = response.headers["Content-Security-Policy"]
        assert "<script>" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page
        assert "default-src 'none'" in csp and "script-src" not in csp  # no script may run
        assert "frame-ancestors 'none'" in csp


async def test_a_document_matching_through_several_recipients_is_listed_once(
    console_hub, browser, pki
) -> None:
    both = [(await _send(console_hub, pki, A, (B, C)))[0] for _ in range(3)]
    await browser.login()
    _, page = await browser.get("/console/documents", state="queued")
    assert _hub_ids(page) == both[::-1]
    # One per page: each document once, in order, through the next links.
    seen, path = [], "/console/documents?state=queued&limit=1"
    while path:
        _, page = await browser.get(path.replace("&amp;", "&"))
        seen += _hub_ids(page)
        found = re.search(r'href="([^"]+)" id="next"', page)
        path = found.group(1) if found else ""
    assert seen == both[::-1]


async def test_a_quarantined_delivery_is_listed_and_released_with_the_csrf_token(
    console_hub, browser, pki
) -> None:
    doc_id, _ = await _send(console_hub, pki, A, (B,))
    delivery = (await console_hub.client(B).get_received_list())["data"][0]["docId"]
    await console_hub.store.push_quarantine(delivery, "adapter crashed: KeyError 'x'")
    await browser.login()
    _, page = await browser.get("/console/queue")
    quarantine = page.split('id="quarantine"')[1].split("</table>")[0]
    assert "adapter crashed" in quarantine and doc_id in quarantine
    path = f"/console/quarantine/{delivery}/release"
    assert (await browser.post(path, {"csrf": "forged"})).status == 403
    assert [q.delivery_id for q in await console_hub.store.push_quarantined()] == [delivery]
    released = await browser.post(path, {"csrf": await browser.csrf()})
    assert released.status == 303
    assert await console_hub.store.push_quarantined() == []
    assert (await browser.post(path, {"csrf": await browser.csrf()})).status == 404
