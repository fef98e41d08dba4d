"""How the kit gets the DMS under test to act: a small driver protocol.

``ManualDriver`` tells the integrator what to do in their system ("send a document with one
PDF to agency X", "receive it", "refuse it with a reason") and the kit then waits, with a
timeout, for the result on the wire; questions only the DMS can answer (how often a document is
in its register) are asked on the terminal. ``QOfficeDriver`` does the same through the native
API of a Q-Office-style endpoint (adapters/qoffice, adapters/README.md), so the kit runs by
itself against it. A vendor with an API writes a driver with these six methods.
"""

from __future__ import annotations

import asyncio
import base64
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import aiohttp

from axis.conformance.evidence import Failed, Skipped

# Clerk steps on a received document (docs/domain.md §5) and the status each reports.
STEPS = {"receive": "03", "assign": "04", "process": "05", "finish": "06", "refuse": "02"}
INSTRUCTIONS = {
    "receive": "receive it (enter it in the incoming register)",
    "assign": "assign it to a handler",
    "process": "mark it in progress",
    "finish": "mark it finished",
    "refuse": "refuse it with the reason {note!r}",
}


class Driver(Protocol):
    async def ready(self, timeout_s: float) -> None: ...

    async def send_document(
        self, sender: str, recipient: str, recipient_name: str, subject: str, pdf: Path
    ) -> None: ...

    async def act(self, sender: str, document_id: str, subject: str, step: str, note: str) -> None:
        """One clerk step of STEPS on a received document."""

    async def answer_change(
        self, sender: str, document_id: str, subject: str, agree: bool, note: str
    ) -> None:
        """Answer the revoke/update/replace/recall pending on a received document."""

    async def register_count(self, sender: str, document_id: str, subject: str) -> int:
        """How many entries the incoming register has for this document."""


class ManualDriver:
    """Instructions on the terminal; the kit watches the wire for the result."""

    def __init__(self, say: Callable[[str], None] = print) -> None:
        self.say = say

    async def ready(self, timeout_s: float) -> None:
        return None

    async def send_document(
        self, sender: str, recipient: str, recipient_name: str, subject: str, pdf: Path
    ) -> None:
        self.say(
            f">>> In your DMS, as agency {sender}: send a document to {recipient} "
            f"({recipient_name}) with the subject {subject!r} and one attachment, the PDF {pdf}"
        )

    async def act(self, sender: str, document_id: str, subject: str, step: str, note: str) -> None:
        what = INSTRUCTIONS[step].format(note=note)
        self.say(f">>> In your DMS, the document {subject!r} from {sender}: {what}")

    async def answer_change(
        self, sender: str, document_id: str, subject: str, agree: bool, note: str
    ) -> None:
        answer = "agree to it" if agree else f"refuse it with the reason {note!r}"
        self.say(
            f">>> In your DMS, {sender} asks to revoke/update/replace/recall the document "
            f"{subject!r}: {answer}"
        )

    async def register_count(self, sender: str, document_id: str, subject: str) -> int:
        if not sys.stdin.isatty():
            raise Skipped("needs the integrator's answer on a terminal (or a driver)")
        prompt = (
            f">>> How many entries does your incoming register show for {subject!r} "
            f"(DocumentId {document_id})? "
        )
        text = await asyncio.to_thread(input, prompt)
        return int(text.strip())


class QOfficeDriver:
    """Drives a Q-Office-style endpoint through its native JSON API (bearer token)."""

    def __init__(self, url: str, token: str, session: aiohttp.ClientSession) -> None:
        self.url = url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}"}
        self.session = session

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        async with self.session.request(
            method, f"{self.url}{path}", json=body, headers=self.headers
        ) as answer:
            payload = await answer.json(content_type=None)
        if answer.status >= 300:
            raise Failed(
                f"the DMS's API to accept {method} {path}",
                f"HTTP {answer.status}: {payload}",
                "the driver could not act in the DMS; see its log",
            )
        return payload["data"]

    async def ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                await self._call("GET", "/api/he-thong")
                return
            except (aiohttp.ClientError, OSError, Failed):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)

    async def send_document(
        self, sender: str, recipient: str, recipient_name: str, subject: str, pdf: Path
    ) -> None:
        draft = {
            "trich_yeu": subject,
            "ky_hieu_van_ban": "KIT",
            "don_vi_gui": sender,
            "ds_co_quan_ngoai_tinh": [{"don_vi_nhan": {"id": recipient, "ten": recipient_name}}],
            "ds_file_dinh_kem": [
                {
                    "ten_file": pdf.name,
                    "loai": "application/pdf",
                    "noi_dung": base64.b64encode(pdf.read_bytes()).decode(),
                }
            ],
        }
        doc = await self._call("POST", "/api/van-ban-di", draft)
        for stage in ("KY_SO_LANH_DAO", "KY_SO_BAN_HANH", "BAN_HANH"):
            await self._call("POST", f"/api/van-ban-di/{doc['id']}/buoc", {"ma": stage})

    async def _rows(self, sender: str, document_id: str) -> list[dict[str, Any]]:
        rows = await self._call("GET", "/api/van-ban-den")
        return [
            r
            for r in rows
            if r["co_quan_gui"] == sender
            and r["document_id"] == document_id
            and not r["loai_nghiep_vu"]
        ]

    async def _row(
        self, sender: str, document_id: str, ready: Callable[[dict[str, Any]], bool] = bool
    ) -> dict[str, Any]:
        """The register entry, once it is there (and ``ready``), waiting up to 30 s."""
        deadline = time.monotonic() + 30
        while True:
            rows = [r for r in await self._rows(sender, document_id) if ready(r)]
            if rows:
                return rows[0]
            if time.monotonic() > deadline:
                raise Failed(
                    f"{document_id} from {sender} in the DMS's incoming register",
                    "not there 30 s after the DMS fetched it",
                    "store every fetched document in the incoming register before acknowledging",
                )
            await asyncio.sleep(0.2)

    async def act(self, sender: str, document_id: str, subject: str, step: str, note: str) -> None:
        row = await self._row(sender, document_id)
        action = {"receive": "tiep-nhan", "assign": "phan-cong", "process": "dang-xu-ly",
                  "finish": "hoan-thanh", "refuse": "tu-choi"}[step]  # fmt: skip
        body = {"ly_do": note, "nguoi_xu_ly": "Chuyên viên (bộ kiểm thử)"}
        await self._call("POST", f"/api/van-ban-den/{row['id']}/{action}", body)

    async def answer_change(
        self, sender: str, document_id: str, subject: str, agree: bool, note: str
    ) -> None:
        row = await self._row(sender, document_id, lambda r: bool(r["yeu_cau_thay_doi"]))
        body = {"dong_y": agree, "y_kien": note}
        await self._call("POST", f"/api/van-ban-den/{row['id']}/tra-loi-thay-doi", body)

    async def register_count(self, sender: str, document_id: str, subject: str) -> int:
        return len(await self._rows(sender, document_id))
