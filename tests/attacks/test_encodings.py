"""The door accepts UTF-8 only and its parser never loads anything (docs/security.md).

A package in any other encoding (UTF-32/UTF-16 with or without a byte-order mark, EBCDIC,
UTF-7, a declaration naming another encoding or claiming UTF-8 over other bytes) is refused
with 5.2.6 before parsing: the raw-byte DOCTYPE scan is sound only for UTF-8, so a UTF-32
package used to carry a DTD past it whose entities the hub then relayed. An external
parameter entity pointing at a FIFO or a pipe used to block a worker thread for ever; these
tests finish in seconds and prove every worker is free afterwards.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from tests.attacks.helpers import assert_fail, assert_nothing_stored, refused, send_raw
from tests.attacks.hostile_encodings import (
    FOREIGN,
    internal_entity_in,
    parameter_entity_to,
    release_fifo,
)
from tests.hub.conftest import A, B, document, package_bytes

ANSWER_WITHIN = 10.0  # seconds; a blocked worker never answers


@pytest.mark.parametrize("case", sorted(FOREIGN))
async def test_a_package_not_in_utf8_is_refused_5_2_6(hub, case: str) -> None:
    payload = await refused(hub, internal_entity_in(case), A, "5.2.6")
    assert "EXPANDED" not in str(payload)


async def test_a_parameter_entity_naming_a_hub_file_is_no_oracle(hub, tmp_path: Path) -> None:
    existing = tmp_path / "exists.dtd"
    existing.write_text('<!ENTITY y "FROM-THE-HUBS-DISK">')
    answers = []
    for path in (existing, tmp_path / "missing.dtd"):
        answers.append(await refused(hub, parameter_entity_to(str(path)), A, "5.2.6"))
    assert answers[0] == answers[1]  # the same answer whether the file exists or not


async def _send_within(hub, data: bytes) -> tuple[int, dict]:
    return await asyncio.wait_for(send_raw(hub.client(A), data, A), ANSWER_WITHIN)


@pytest.mark.parametrize("codec", ["utf-32-be", "utf-8"])
async def test_parameter_entities_on_a_fifo_never_block_a_worker(
    hub, hub_cfg, pki, tmp_path: Path, codec: str
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    declared = "UCS-4" if codec == "utf-32-be" else "UTF-8"
    copies = range(hub_cfg.hub.workers + 1)
    try:
        replies = await asyncio.gather(
            *(_send_within(hub, parameter_entity_to(str(fifo), codec, declared, n)) for n in copies)
        )
    finally:
        for _ in copies:
            release_fifo(fifo)  # a worker stuck before the fix is freed, so teardown ends
            await asyncio.sleep(0.01)
    for reply in replies:
        assert_fail(reply, "5.2.6" if codec != "utf-8" else "5.2.2")
    await assert_nothing_stored(hub, 0)
    # every worker is free: a good package goes through at once
    status, payload = await _send_within(hub, package_bytes(pki, document(A, (B,))))
    assert (status, payload["status"]) == (200, "OK"), payload


async def test_a_parameter_entity_on_a_pipe_of_the_hub_never_blocks(hub) -> None:
    read_end, write_end = os.pipe()
    try:
        hostile = parameter_entity_to(f"/proc/self/fd/{read_end}")
        assert_fail(await _send_within(hub, hostile), "5.2.6")
    finally:
        os.close(write_end)  # EOF for a reader stuck before the fix
        os.close(read_end)


async def test_xinclude_is_refused_5_2_9(hub, pki, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("FROM-THE-HUBS-DISK")
    include = (
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{secret}"'
        ' parse="text"/>'
    )
    data = package_bytes(pki, document(A, (B,)))
    at = data.index(b"</edXML:Subject>")
    data = data[:at] + include.encode() + data[at:]
    payload = await refused(hub, data, A, "5.2.9")
    assert "FROM-THE-HUBS-DISK" not in str(payload)
