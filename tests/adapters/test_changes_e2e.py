"""Revoke and update requests are answered 15 or 16 as the clerk decides (adapters/README.md,
docs/domain.md §5), all real processes on loopback.

A commune sends a document to two departments, each a Q-Office-style endpoint with an auto-clerk;
then it revokes it for department 08, whose clerk agrees (accept_change_probability 1), and
updates it for department 12, whose clerk refuses (0). The sender pulls 15 from 08 and 16 from
12, about its original document; each department's register keeps the answer it gave.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from adapters.vxp import VxpClient
from axis.edxml import load, parse
from axis.edxml.model import StatusPackage
from axis.pki import devpki
from tests.adapters.conftest import COMMUNE, DEPT_08, DEPT_12, SECRETS, eventually
from tests.hub.conftest import document, package_bytes
from tests.support.hubproc import HubProcess

SENDER = "00.47.Q31"


def clerk(accept: float) -> str:
    return (
        "[clerk]\nenabled = true\nseed = 3\ndelay_s = [0.05, 0.1]\n"
        f'steps = ["03"]\naccept_change_probability = {accept}\n'
    )


async def _statuses(client: VxpClient) -> list[StatusPackage]:
    """Every status waiting for the sender, fetched and acknowledged."""
    found = []
    for row in await client.received_list("status"):
        package = parse(load(await client.get_edoc(row["docId"])).root)
        assert isinstance(package, StatusPackage)
        found.append(package)
        await client.update_status(row["docId"], ok=True)
    return found


async def test_a_revoke_and_an_update_are_answered_15_or_16_as_each_clerk_decides(
    endpoints: Any, hub: HubProcess, pki: devpki.DevPki
) -> None:
    dept_08 = endpoints("00.47.Q08", clerk(1.0))
    dept_12 = endpoints("00.47.Q12", clerk(0.0))
    original = document(COMMUNE, (DEPT_08, DEPT_12))
    seen: list[tuple[str, str, str]] = []
    async with aiohttp.ClientSession() as session:
        sender = VxpClient(hub.endpoint, SENDER, SECRETS[SENDER], session=session)
        await sender.send_edoc(package_bytes(pki, original), COMMUNE)

        async def collect(*wanted: tuple[str, str]) -> Any:
            seen.extend(
                (s.sender.organ_id, s.status_code, s.response_for.document_id)
                for s in await _statuses(sender)
            )
            return all((who, code, original.document_id) in seen for who, code in wanted)

        await eventually(lambda: collect((DEPT_08, "03"), (DEPT_12, "03")))
        revoke = document(COMMUNE, (DEPT_08,), doc_type=1, original=original.document_id)
        update = document(COMMUNE, (DEPT_12,), doc_type=2, original=original.document_id)
        for change in (revoke, update):
            await sender.send_edoc(package_bytes(pki, change), COMMUNE)
        await eventually(lambda: collect((DEPT_08, "15"), (DEPT_12, "16")))

    answers = {(who, code) for who, code, _ in seen if code in ("15", "16")}
    assert answers == {(DEPT_08, "15"), (DEPT_12, "16")}  # one answer each, as decided
    for dept, answer in ((dept_08, "15"), (dept_12, "16")):
        rows = {r["document_id"]: r for r in await dept.api("GET", "/api/van-ban-den")}
        kept = rows[original.document_id]
        assert kept["yeu_cau_thay_doi"] == "" and kept["tra_loi_thay_doi"] == answer, kept
