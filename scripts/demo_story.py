"""A document's story across the demo network's three hubs (docs/delivery-log.md "Across hubs").

For operators: after `make run` (the national hub, Quảng Nam H47 and Nghệ An H41), run

    .venv/bin/python -m scripts.demo_story

A commune of Quảng Nam sends a signed package to a commune of Nghệ An; the recipient fetches
it, acknowledges it and reports 01; when the 01 is back at the sender's hub, the script prints
what `axis trace DOCID --hub var/h47/hub.toml --hub var/national/hub.toml --hub
var/h41/hub.toml` prints: the story hop by hop, then every event of the three hubs by time.
Exit status 0 when the story has all three hops.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.vxp.client import VxpClient  # noqa: E402
from axis.cli import main as axis_main  # noqa: E402
from scripts.roundtrip import STATUS, signed  # noqa: E402
from tests.support.packages import make_package  # noqa: E402

SENDER = "000.24.31.H47"  # a commune of Quảng Nam
RECIPIENT = "000.24.31.H41"  # a commune of Nghệ An
HUBS = ("h47", "national", "h41")
WAIT_S = 60.0


def _client(systems: list[dict[str, Any]], agency: str, session: Any) -> VxpClient:
    entry = next(e for e in systems if agency in e["agencies"])
    return VxpClient(entry["endpoint"], entry["system_id"], entry["secret"], session=session)


async def _until(probe: Any, what: str) -> Any:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if found := await probe():
            return found
        await asyncio.sleep(0.3)
    raise SystemExit(f"FAIL {what} within {WAIT_S:.0f} s")


async def send_and_answer(data_dir: Path) -> str:
    """Send, fetch, acknowledge, report 01, wait for the 01 at the sender; the DocId."""
    systems = json.loads((data_dir / "demo" / "systems.json").read_text(encoding="utf-8"))
    pki = data_dir / "demo" / "pki"
    async with aiohttp.ClientSession() as session:
        sender = _client(systems, SENDER, session)
        recipient = _client(systems, RECIPIENT, session)
        package = signed(pki, SENDER, make_package(SENDER, [RECIPIENT], size_kb=4))
        doc_id = await sender.send_edoc(package, SENDER)
        print(f"sent {doc_id}: {SENDER} -> {RECIPIENT}")

        async def arrived() -> list[dict[str, str]]:
            rows = await recipient.received_list()
            return [r for r in rows if r["to"] == RECIPIENT and r["from"] == SENDER]

        row = (await _until(arrived, "the package did not reach the recipient"))[-1]
        await recipient.get_edoc(row["docId"])
        await recipient.update_status(row["docId"], True)
        document_id = package.split(b"<edXML:DocumentId>")[1].split(b"<")[0].decode()
        report = STATUS.format(reporter=RECIPIENT, sender=SENDER, document_id=document_id)
        await recipient.send_edoc(signed(pki, RECIPIENT, report.encode()), RECIPIENT, "status")
        print("fetched, acknowledged done, reported 01")

        async def answered() -> list[dict[str, str]]:
            rows = await sender.received_list("status")
            return [r for r in rows if r["from"] == RECIPIENT]

        await _until(answered, "the 01 did not come back to the sender")
        print("the 01 is back at the sender's hub\n")
        return doc_id


async def demo(data_dir: Path, config_name: str = "hub.toml") -> int:
    doc_id = await send_and_answer(data_dir)
    argv = ["trace", doc_id]
    for hub in HUBS:
        argv += ["--hub", str(data_dir / hub / config_name)]
    print("$ axis " + " ".join(argv) + "\n")
    return await asyncio.to_thread(axis_main, argv)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir", default="var", help="make run's data dir (demo credentials, hub folders)"
    )
    args = parser.parse_args()
    raise SystemExit(asyncio.run(demo(Path(args.data_dir))))


if __name__ == "__main__":
    main()
