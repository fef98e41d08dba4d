"""The issue's end-to-end story over the independent SDK client (issue 3, "Done when").

A sends a signed package to B and C; B and C list, fetch, ack; B reports 01, 03, 05, 06; A sees
them in its status inbox and in getSentEdocList; A revokes; C answers 15.
"""

from __future__ import annotations

import base64
import dataclasses

from axis.edxml import load, parse
from axis.edxml.model import ResponseFor
from tests.hub.conftest import A, B, C, document, package_bytes, status
from tests.support.vxp_client import VxpClient


async def _send(client: VxpClient, data: bytes, sender: str, kind: str = "edoc") -> str:
    reply = await client.send_edoc(data, sender, kind)
    assert reply["status"] == "OK", reply
    assert reply["ErrorCode"] == "0"
    return str(reply["DocId"])


async def _pull_all(client: VxpClient, kind: str = "edoc") -> list[bytes]:
    """List, fetch and ack everything pending; returns the fetched packages."""
    listed = await client.get_received_list(kind)
    assert listed["status"] == "OK", listed
    packages = []
    for row in listed["data"]:
        fetched = await client.get_edoc(row["docId"])
        assert fetched["status"] == "OK", fetched
        packages.append(base64.b64decode(fetched["data"]))
        acked = await client.update_status(row["docId"], "done")
        assert acked["status"] == "OK", acked
    return packages


async def test_story_send_fetch_ack_statuses_revoke_and_answer(hub, pki) -> None:
    a, b, c = hub.client(A), hub.client(B), hub.client(C)
    original = document(A, (B, C))
    data = package_bytes(pki, original)
    doc_id = await _send(a, data, A)

    # B and C each find exactly that package, byte for byte, then it leaves their list.
    for recipient in (b, c):
        assert await _pull_all(recipient) == [data]
        assert (await recipient.get_received_list())["data"] == []

    # B reports 01, 03, 05, 06; each is relayed to A's status inbox.
    for code in ("01", "03", "05", "06"):
        await _send(b, package_bytes(pki, status(B, original, code)), B, "status")
    relayed = [parse(load(p).root) for p in await _pull_all(a, "status")]
    assert [s.status_code for s in relayed] == ["01", "03", "05", "06"]
    assert {s.sender.organ_id for s in relayed} == {B}

    sent = (await a.get_sent_list())["data"]
    rows = {row["toCode"]: row for row in sent if row["senderDocId"] == doc_id}
    assert rows[B]["receiveStatus"] == "06" and rows[B]["sendStatus"] == "done"
    assert rows[C]["receiveStatus"] == "" and rows[C]["sendStatus"] == "done"

    # A revokes (BussinessDocType 1): it reaches B and C; C agrees with 15.
    revoke = document(A, (B, C), document_id=original.document_id, doc_type=1)
    await _send(a, package_bytes(pki, revoke), A)
    for recipient in (b, c):
        (got,) = await _pull_all(recipient)
        assert parse(load(got).root).business_doc_type == 1
    await _send(c, package_bytes(pki, status(C, original, "15")), C, "status")
    (answer,) = [parse(load(p).root) for p in await _pull_all(a, "status")]
    assert (answer.sender.organ_id, answer.status_code) == (C, "15")
    rows = {row["toCode"]: row for row in (await a.get_sent_list())["data"]}
    assert rows[C]["receiveStatus"] == "15"


async def test_recall_status_13_reaches_the_named_recipient_who_answers_16(hub, pki) -> None:
    a, b = hub.client(A), hub.client(B)
    original = document(A, (B, C))
    await _send(a, package_bytes(pki, original), A)
    recall = status(A, original, "13")
    recall = dataclasses.replace(
        recall, response_for=ResponseFor(**{**recall.response_for.__dict__, "organ_id": B})
    )
    await _send(a, package_bytes(pki, recall), A, "status")
    inbox = (await b.get_received_list("status"))["data"]
    assert [row["from"] for row in inbox] == [A]
    assert (await hub.client(C).get_received_list("status"))["data"] == []
    await _send(b, package_bytes(pki, status(B, original, "16")), B, "status")
