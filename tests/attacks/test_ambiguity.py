"""A package that two readers could read differently is refused under both policies (5.4.16).

axis records one sender, recipients and document id; a recipient's DMS with a naive parser
(the first MessageHeader, the first From/OrganId in document order) must read the very same.
Each package below is otherwise valid and correctly signed by its real sender (A); only the
ambiguity is wrong: a fake MessageHeader hidden in an XMLDSig or Signature element, two
OrganIds in From or To, two From, two DocumentIds, a status about two documents.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from axis import config as config_mod
from axis.config import Config
from axis.edxml import build
from axis.pki import devpki
from tests.attacks.helpers import assert_fail, refused, send_raw
from tests.hub.conftest import A, B, C, document, hub_config, package_bytes, signed, status

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DS = "http://www.w3.org/2000/09/xmldsig#"
FAKE_HEADER = (
    f'<MessageHeader xmlns="{NS}"><From><OrganId>{C}</OrganId></From>'
    f"<To><OrganId>{B}</OrganId></To><DocumentId>{C},2026/11/23,1/FAKE</DocumentId>"
    "</MessageHeader>"
)


@pytest.fixture(params=["lenient", "strict"])
def hub_cfg(request: pytest.FixtureRequest, tmp_path: Path, pki: devpki.DevPki) -> Config:
    lenient = hub_config(tmp_path, pki)
    return config_mod.replace(lenient, "intake", policy=request.param)


def _after(marker: str, insert: str) -> Callable[[str], str]:
    return lambda text: text.replace(marker, marker + insert, 1)


TAMPER: dict[str, Callable[[str], str]] = {
    "fake header in ds:Object before the header": _after(
        "<edXML:edXMLHeader>", f'<ds:Object xmlns:ds="{DS}">{FAKE_HEADER}</ds:Object>'
    ),
    "fake header in an edXML Signature": lambda text: text.replace(
        "</edXML:edXMLHeader>",
        f"<edXML:Signature>{FAKE_HEADER}</edXML:Signature></edXML:edXMLHeader>",
        1,
    ),
    "two OrganIds in From": _after(
        f"<edXML:OrganId>{A}</edXML:OrganId>", f"<edXML:OrganId>{C}</edXML:OrganId>"
    ),
    "two OrganIds in To": _after("<edXML:To>", f"<edXML:OrganId>{C}</edXML:OrganId>"),
    "two From": _after(
        "<edXML:MessageHeader>", f"<edXML:From><edXML:OrganId>{C}</edXML:OrganId></edXML:From>"
    ),
    "two DocumentIds": _after(
        "<edXML:MessageHeader>", f"<edXML:DocumentId>{C},2026/11/23,1/FAKE</edXML:DocumentId>"
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPER))
async def test_an_ambiguous_document_is_refused_5_4_16(hub, pki, case: str) -> None:
    text = build(document(A, (B,))).decode("utf-8")
    tampered = TAMPER[case](text)
    assert tampered != text
    await refused(hub, signed(pki, A, tampered.encode("utf-8")), A, "5.4.16")


async def test_a_status_about_two_documents_is_refused_5_4_16(hub, pki) -> None:
    first, second = document(A, (B,)), document(A, (B,))
    for original in (first, second):
        _, reply = await send_raw(hub.client(A), package_bytes(pki, original), A)
        assert reply["status"] == "OK", reply
    text = build(status(B, first, "01")).decode("utf-8")
    real = f"<edXML:DocumentId>{first.document_id}</edXML:DocumentId>"
    other = f"<edXML:DocumentId>{second.document_id}</edXML:DocumentId>"
    tampered = text.replace(real, real + other, 1)
    assert tampered != text
    before = await hub.store.count_documents()
    reply = await send_raw(hub.client(B), signed(pki, B, tampered.encode("utf-8")), B, "status")
    assert_fail(reply, "5.4.16")
    assert await hub.store.count_documents() == before
    assert not (await hub.client(A).get_received_list("status"))["data"]
