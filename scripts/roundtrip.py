"""Black-box round trip against a running hub: send, list, fetch, acknowledge, report a status.

For operators and integrators: after `make run`, run

    .venv/bin/python scripts/roundtrip.py

It reads the demo credentials and keys under var/demo/ (or --data-dir), signs a small package
as one demo agency, sends it to another, fetches and acknowledges it as the recipient, reports
status 01 back, and checks that the sender sees it. Every step prints what happened; the exit
status is 0 only if every step succeeded. Point it at another hub with --endpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from axis.pki.xmldsig import sign  # noqa: E402
from tests.support.packages import make_package  # noqa: E402
from tests.support.vxp_client import VxpClient  # noqa: E402

STATUS = """<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From><edXML:OrganId>{reporter}</edXML:OrganId></edXML:From>
        <edXML:ResponseFor>
          <edXML:OrganId>{sender}</edXML:OrganId>
          <edXML:DocumentId>{document_id}</edXML:DocumentId>
        </edXML:ResponseFor>
        <edXML:StatusCode>01</edXML:StatusCode>
        <edXML:Description>Đã đến</edXML:Description>
        <edXML:Timestamp>2026/11/23 08:00:00</edXML:Timestamp>
      </edXML:MessageHeader>
    </edXML:edXMLHeader>
  </edXML:edXMLEnvelope>
</edXML>
"""


def step(name: str, reply: dict) -> dict:
    ok = reply.get("status") == "OK"
    detail = "" if ok else f" {reply.get('ErrorCode')} {reply.get('ErrorDesc')}"
    print(f"{'ok  ' if ok else 'FAIL'} {name}{detail}")
    if not ok:
        raise SystemExit(1)
    return reply


def signed(pki: Path, agency: str, data: bytes) -> bytes:
    folder = pki / "agencies" / agency
    chain = folder / "chain.pem"
    return sign(
        data,
        (folder / "key.pem").read_bytes(),
        (folder / "cert.pem").read_bytes(),
        chain_pem=chain.read_bytes() if chain.exists() else b"",
    )


async def roundtrip(endpoint: str, data_dir: Path) -> None:
    systems = json.loads((data_dir / "demo" / "systems.json").read_text(encoding="utf-8"))
    pki = data_dir / "demo" / "pki"
    source, target = systems[0], systems[-1]
    sender, recipient = source["agencies"][0], target["agencies"][0]
    print(
        f"endpoint {endpoint}: {sender} ({source['system_id']}) -> {recipient} ({target['system_id']})"
    )
    async with aiohttp.ClientSession() as session:
        out = VxpClient(endpoint, source["system_id"], source["secret"], session=session)
        into = VxpClient(endpoint, target["system_id"], target["secret"], session=session)
        package = signed(pki, sender, make_package(sender, [recipient], size_kb=4))
        sent = step("sendEdoc", await out.send_edoc(package, sender))
        rows = step("getReceivedEdocList", await into.get_received_list())["data"]
        mine = [r for r in rows if r["from"] == sender]
        if not mine:
            raise SystemExit("FAIL the package is not in the recipient's list")
        delivery = mine[-1]["docId"]
        fetched = step("getEdoc", await into.get_edoc(delivery))
        if base64.b64decode(fetched["data"]) != package:
            raise SystemExit("FAIL the fetched package differs from what was sent")
        step("updateStatus done", await into.update_status(delivery))
        document_id = package.split(b"<edXML:DocumentId>")[1].split(b"<")[0].decode()
        report = STATUS.format(reporter=recipient, sender=sender, document_id=document_id)
        step(
            "sendEdoc status 01",
            await into.send_edoc(signed(pki, recipient, report.encode()), recipient, "status"),
        )
        step("getReceivedEdocList status", await out.get_received_list("status"))
        sent_rows = step("getSentEdocList", await out.get_sent_list())["data"]
        row = next(r for r in sent_rows if r["senderDocId"] == sent["DocId"])
        print(
            f"ok   sender sees: transport {row['sendStatus']}, business status {row['receiveStatus']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", default="http://127.0.0.1:8080")
    parser.add_argument(
        "--data-dir", default=str(ROOT / "var"), help="the hub's data dir (demo credentials)"
    )
    args = parser.parse_args()
    asyncio.run(roundtrip(args.endpoint, Path(args.data_dir)))


if __name__ == "__main__":
    main()
