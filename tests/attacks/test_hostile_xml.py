"""Hostile XML through /sendEdoc on a real hub: refused with its code, nothing stored.

The edxml tests (tests/edxml/test_hostile.py) prove the loader refuses these payloads; here the
same payloads arrive over HTTP as an SDK client would send them, so the whole door is tested:
size limit while streaming, hash-file, the worker thread, the JSON refusal, an untouched store,
and a hub that still answers /healthz (docs/domain.md §3; X-Road bans DOCTYPEs and caps sizes).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import psutil

from tests.attacks.helpers import assert_nothing_stored, healthy, refused
from tests.hub.conftest import A, B, document, package_bytes

ROOT_OPEN = b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
LOL = b"".join(
    b' <!ENTITY lol%d "%s">\n' % (n, b"".join(b"&lol%d;" % (n - 1) for _ in range(10)))
    for n in range(2, 10)
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE edXML [\n <!ENTITY lol1 "lol">\n'
    + LOL
    + b"]>\n"
    + ROOT_OPEN
    + b"&lol9;</edXML>"
)


def _entity(declaration: bytes, use: bytes = b"&x;") -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE edXML ['
        + declaration
        + b"]>"
        + ROOT_OPEN
        + use
        + b"</edXML>"
    )


async def test_billion_laughs_is_refused_5_2_2(hub) -> None:
    await refused(hub, BILLION_LAUGHS, A, "5.2.2")
    assert await healthy(hub)


async def test_quadratic_blowup_is_refused_5_2_2(hub) -> None:
    # 100 kB entity used 3,000 times: 300 MB if anything expanded it; 400 kB on the wire.
    data = _entity(b'<!ENTITY x "' + b"A" * 100_000 + b'">', b"&x;" * 3_000)
    await refused(hub, data, A, "5.2.2")


async def test_an_external_file_entity_is_refused_5_2_2(hub) -> None:
    payload = await refused(hub, _entity(b'<!ENTITY x SYSTEM "file:///etc/passwd">'), A, "5.2.2")
    assert "root:" not in payload["ErrorDesc"]


async def test_an_external_network_entity_is_refused_5_2_2(hub) -> None:
    await refused(hub, _entity(b'<!ENTITY x SYSTEM "http://127.0.0.1:1/x">'), A, "5.2.2")


async def test_a_doctype_alone_is_refused_5_2_2(hub) -> None:
    await refused(
        hub, b'<?xml version="1.0"?><!DOCTYPE edXML>' + ROOT_OPEN + b"</edXML>", A, "5.2.2"
    )


async def test_a_doctype_in_an_otherwise_valid_package_is_refused_5_2_2(hub, pki) -> None:
    data = package_bytes(pki, document(A, (B,)))
    declaration_end = data.index(b"?>") + 2
    data = data[:declaration_end] + b"<!DOCTYPE edXML>" + data[declaration_end:]
    await refused(hub, data, A, "5.2.2")


async def test_deep_nesting_is_refused_5_2_5(hub) -> None:
    inner = b"<a>" * 50_000 + b"</a>" * 50_000
    await refused(hub, ROOT_OPEN + inner + b"</edXML>", A, "5.2.5")


async def test_a_huge_attribute_is_refused_5_2_8(hub) -> None:
    data = ROOT_OPEN[:-1] + b' x="' + b"A" * 400_000 + b'"></edXML>'
    await refused(hub, data, A, "5.2.8")


async def test_invalid_utf8_is_refused_5_2_6(hub, pki) -> None:
    data = package_bytes(pki, document(A, (B,))).replace("thử".encode(), b"th\xff\xfe", 1)
    await refused(hub, data, A, "5.2.6")


async def _poll_health(hub: Any, stop: asyncio.Event) -> int:
    answered = 0
    while not stop.is_set():
        assert await healthy(hub)
        answered += 1
        await asyncio.sleep(0.01)
    return answered


async def test_a_one_gigabyte_stream_is_cut_off_early_with_memory_bounded_5_1_1(hub) -> None:
    chunk, total = b"<" * 65536, 1 << 30
    sent = 0
    process = psutil.Process()
    rss_before = process.memory_info().rss
    peak = rss_before

    async def gigabyte() -> AsyncIterator[bytes]:
        nonlocal sent, peak
        while sent < total:
            sent += len(chunk)
            peak = max(peak, process.memory_info().rss) if sent % (1 << 22) == 0 else peak
            yield chunk

    params = {"servicetype": "eDoc", "messagetype": "edoc", "from": A, "hash-file": "0"}
    headers = hub.client(A).signed_headers(params, "application/octet-stream")
    stop = asyncio.Event()
    poller = asyncio.create_task(_poll_health(hub, stop))
    async with hub.session.post(
        f"{hub.endpoint}/sendEdoc", data=gigabyte(), headers=headers
    ) as reply:
        status, payload = reply.status, await reply.json()
        sent_when_answered = sent
    stop.set()
    assert (status, payload["ErrorCode"]) == (413, "5.1.1"), payload
    assert sent_when_answered < total  # answered while the client was still sending
    assert await poller >= 1
    assert max(peak, process.memory_info().rss) - rss_before < 64 * 1024 * 1024
    assert await healthy(hub)
    await assert_nothing_stored(hub, 0)
