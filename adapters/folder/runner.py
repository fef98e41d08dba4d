"""The folder adapter's loop: send what is dropped in outbox/, receive into inbox/.

Sending, per package file in ``outbox/`` (dot-names and ``*.part`` are ignored: drop a file by
writing it under such a name and renaming it in):
  send (sendEdoc; edoc or status from the package itself, ``from`` = its From/OrganId)
  -> write ``sent/<name>.docid`` -> move the package to ``sent/<name>``.
A refusal moves it to ``failed/<name>`` with ``failed/<name>.reason`` beside it; a transient
failure (hub away or busy) leaves it for the next round. A crash anywhere in between leaves the
package in outbox/ and the next round sends the same bytes again: the hub recognises the
identical resend and answers with the original DocId (docs/business-rules.md, 2.6.1), so each
package is sent exactly once.

Receiving, per row the hub lists (documents, then statuses): fetch -> write
``inbox/<DocId>.edxml`` (statuses: ``inbox/<DocId>.status.edxml``) -> acknowledge ``done``. The
file name is the hub's delivery id, so a redelivery after a lost ack finds the file there and
only acknowledges again: each received package appears once.

The folders are the whole state: there is no journal to get out of step with them. The client
is either door's (adapters/vxp/door.py); both raise VxpError the same way.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from adapters import crashpoint
from adapters.folder import files
from adapters.vxp import VxpError
from adapters.vxp.door import HubClient
from axis import logs
from axis.edxml import load, parse
from axis.edxml.model import StatusPackage
from axis.errors import Rejected

# Test-only (tests/adapters/test_folder.py): SIGKILL at after-send, after-docid, after-move,
# after-fetch, before-rename (inside an atomic write), after-write or after-ack.
CRASH_VARIABLE = "AXIS_FOLDER_CRASH_AT"
log = logs.get("adapters.folder")


def crash_point(step: str) -> None:
    crashpoint.reached(CRASH_VARIABLE, step)


class FolderAdapter:
    def __init__(self, root: Path, client: HubClient) -> None:
        self.client = client
        self.outbox, self.sent, self.failed, self.inbox = (
            root / name for name in ("outbox", "sent", "failed", "inbox")
        )

    def prepare(self) -> None:
        """Create the folders; remove temporaries a crash left half-written."""
        for folder in (self.outbox, self.sent, self.failed, self.inbox):
            folder.mkdir(parents=True, exist_ok=True)
        removed = files.remove_temporaries(self.sent, self.failed, self.inbox)
        if removed:
            log.info("removed-temporaries", count=removed)

    async def run(self, poll_interval_s: float) -> None:
        self.prepare()
        while True:
            try:
                await self.round()
            except VxpError as error:
                log.warning("round-failed", error=str(error))
            await asyncio.sleep(poll_interval_s)

    async def round(self) -> None:
        for path in sorted(self.outbox.iterdir()):
            if path.is_file() and not files.is_temporary(path):
                await self.send(path)
        await self.receive("edoc")
        await self.receive("status")

    async def send(self, path: Path) -> None:
        data = path.read_bytes()
        try:
            package = parse(load(data).root)
        except Rejected as error:
            self._fail(path, f"not a readable edXML package: {error}")
            return
        messagetype = "status" if isinstance(package, StatusPackage) else "edoc"
        try:
            doc_id = await self.client.send_edoc(data, package.sender.organ_id, messagetype)
        except VxpError as error:
            if error.transient:
                raise
            self._fail(path, str(error))
            return
        crash_point("after-send")
        target = self._free_name(self.sent, path.name)
        files.write_atomic(target.with_name(target.name + ".docid"), f"{doc_id}\n".encode(),
                           lambda: crash_point("before-rename"))  # fmt: skip
        crash_point("after-docid")
        files.move(path, target)
        crash_point("after-move")
        log.info("sent", file=path.name, doc_id=doc_id)

    def _fail(self, path: Path, reason: str) -> None:
        target = self._free_name(self.failed, path.name)
        files.write_atomic(target.with_name(target.name + ".reason"), f"{reason}\n".encode())
        files.move(path, target)
        log.warning("refused", file=path.name, reason=reason)

    @staticmethod
    def _free_name(folder: Path, name: str) -> Path:
        """``name`` in ``folder``, or ``name.1``, ``name.2`` ... when a different package with
        that name was handled before (a .docid/.reason without its package means a crash
        between the two steps of this very package: reuse that name)."""
        candidate, n = folder / name, 0
        while candidate.exists():
            n += 1
            candidate = folder / f"{name}.{n}"
        return candidate

    async def receive(self, messagetype: str) -> None:
        suffix = ".edxml" if messagetype == "edoc" else ".status.edxml"
        for row in await self.client.received_list(messagetype):
            delivery = str(row["docId"])
            target = self.inbox / f"{delivery}{suffix}"
            if not target.exists():
                data = await self.client.get_edoc(delivery)
                crash_point("after-fetch")
                files.write_atomic(target, data, lambda: crash_point("before-rename"))
                crash_point("after-write")
            await self.client.update_status(delivery, ok=True)
            crash_point("after-ack")
            log.info("received", delivery=delivery, messagetype=messagetype)
