"""The endpoint's link to the hub, both ways, over either door (adapters/vxp/door.py: the SDK
wire protocol or the provincial gateway's REST dialect).

Incoming, with real integrators' habits (docs/domain.md §6): every ``poll_interval_s`` list
what waits, fetch each package, commit it to the endpoint's own database, then acknowledge
``done``; a package that cannot be stored is acknowledged ``fail`` with the reason. A
redelivered package (the ack was lost) is found already stored and is acknowledged again.
Rows addressed to agencies this endpoint does not serve are left alone.

Each round also reads the hub's sent list while a sent document's delivery is not final, so
the outgoing register shows a delivery that failed or expired (transport.py).

Outgoing: issued documents (BAN_HANH without a hub DocId) and queued statuses are sent with
sendEdoc; the signed bytes were stored before the first attempt, so a retry after a lost answer
is byte-identical and the hub answers with the original DocId (docs/business-rules.md).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from adapters import crashpoint
from adapters.qoffice import transport
from adapters.qoffice.db import now
from adapters.qoffice.packages import Incoming
from adapters.qoffice.registers import Registers
from adapters.vxp import VxpError
from adapters.vxp.door import HubClient, SentLister
from axis import logs
from axis.edxml.model import DocumentPackage, StatusPackage
from axis.errors import Rejected

CRASH_VARIABLE = "AXIS_QOFFICE_CRASH_AT"  # test-only: after-store (between store and ack)
log = logs.get("adapters.qoffice")


class HubLink:
    def __init__(self, registers: Registers, client: HubClient, poll_interval_s: float) -> None:
        self.registers = registers
        self.db = registers.db
        self.client = client
        self.poll_interval_s = poll_interval_s
        self.defects = registers.config.defects  # test-only broken variants (defects.py)
        self.ours = set(registers.names)
        # set when something waits to go out (a clerk acted, a document was issued)
        self.outgoing_ready = asyncio.Event()

    async def run_pull(self) -> None:
        while True:
            try:
                await self.pull("edoc")
                await self.pull("status")
                await self.track_sent()
            except VxpError as error:
                log.warning("pull-failed", error=str(error))
            except Exception:  # a bug or a local fault (disk, key file): retry next round
                log.exception("pull-crashed")
            await asyncio.sleep(self.defects.pull_interval_s(self.poll_interval_s))

    async def run_push(self) -> None:
        """Send whatever waits, at once when woken, else every poll interval."""
        while True:
            self.outgoing_ready.clear()
            try:
                await self.push()
            except VxpError as error:
                log.warning("push-failed", error=str(error))
            except Exception:
                log.exception("push-crashed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.outgoing_ready.wait(), self.poll_interval_s)

    async def pull(self, messagetype: str) -> None:
        for row in await self.client.received_list(messagetype):
            if row.get("to") in self.ours:
                await self._take(row["docId"], row["to"], messagetype)

    async def _take(self, delivery: str, to_agency: str, messagetype: str) -> None:
        data = await self.client.get_edoc(delivery)
        try:
            fresh = await self._store(delivery, to_agency, data, messagetype)
        except (Rejected, ValueError, KeyError) as exc:
            log.warning("cannot-store", delivery=delivery, error=str(exc))
            await self.client.update_status(delivery, ok=False, error=f"cannot store: {exc}")
            return
        crashpoint.reached(CRASH_VARIABLE, "after-store")
        if not self.defects.no_ack:
            await self.client.update_status(delivery, ok=True)
        log.info("stored" if fresh else "already-stored", delivery=delivery, to=to_agency)
        if fresh:
            self.outgoing_ready.set()

    async def receive(self, delivery: str, to_agency: str, data: bytes, messagetype: str) -> bool:
        """A package pushed by the hub (adapters/qoffice/push.py): stored as a pulled one is,
        committed before this returns; False if it was stored already."""
        fresh = await self._store(delivery, to_agency, data, messagetype)
        log.info("stored" if fresh else "already-stored", delivery=delivery, to=to_agency)
        if fresh:
            self.outgoing_ready.set()
        return fresh

    async def _store(self, delivery: str, to_agency: str, data: bytes, messagetype: str) -> bool:
        package = Incoming.read(data).package
        if messagetype == "edoc":
            if not isinstance(package, DocumentPackage):
                raise ValueError("a status package listed as edoc")
            return await self.registers.store_incoming(delivery, to_agency, data)
        if not isinstance(package, StatusPackage):
            raise ValueError("a document package listed as status")
        return await self.registers.record_status(delivery, to_agency, package)

    async def track_sent(self) -> None:
        """The hub's delivery state of what we sent, while some of it is not final (SDK door
        only: the gateway dialect has no sent list; transport.py)."""
        if isinstance(self.client, SentLister) and await transport.awaiting(self.db):
            await transport.record(self.db, await self.client.sent_list())

    async def push(self) -> None:
        for doc in await self.db.rows(
            "SELECT id, don_vi_gui, goi_tin FROM van_ban_di WHERE trang_thai = 'BAN_HANH'"
            " AND hub_doc_id = '' AND loi_gui = '' ORDER BY id"
        ):
            await self._send("van_ban_di", doc, "edoc")
        for status in await self.db.rows(
            "SELECT id, don_vi_gui, goi_tin FROM status_outbox WHERE gui_luc = '' ORDER BY id"
        ):
            await self._send("status_outbox", status, "status")

    async def _send(self, table: str, row: dict[str, Any], messagetype: str) -> None:
        error_column = "loi_gui" if table == "van_ban_di" else "loi"
        sent_column = ", gui_luc = :at" if table == "status_outbox" else ""
        try:
            doc_id = await self.client.send_edoc(row["goi_tin"], row["don_vi_gui"], messagetype)
        except VxpError as error:
            if error.transient:
                raise  # the hub is busy or away: the whole round waits for the next one
            log.warning("refused", table=table, id=row["id"], error=str(error))
            await self.db.conn.execute(
                f"UPDATE {table} SET {error_column} = :error{sent_column} WHERE id = :id",
                {"error": str(error), "at": now(), "id": row["id"]},
            )
            return
        await self.db.conn.execute(
            f"UPDATE {table} SET hub_doc_id = :doc{sent_column} WHERE id = :id",
            {"doc": doc_id, "at": now(), "id": row["id"]},
        )
        log.info("sent", table=table, id=row["id"], doc_id=doc_id)
