"""The scripted auto-clerk: a simulated agency's clerk, so an endpoint runs by itself.

For every new incoming document it either refuses it (02, with probability
``refuse_probability``) or walks it through ``steps`` (default 03 -> 04 -> 05 -> 06), waiting a
random delay in ``delay_s`` before each action; it answers a recall or an update with 15 (with
probability ``accept_change_probability``) or 16. Outcomes and delays come from a random
generator seeded with (seed, sender, DocumentId, recipient), so a run is reproducible whatever
order documents arrive in. It acts through Registers, like a human clerk using the API.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable

from adapters.qoffice.config import ClerkSection
from adapters.qoffice.registers import ActionError, Registers
from axis import logs

log = logs.get("adapters.qoffice.clerk")
TICK_S = 0.05


class AutoClerk:
    def __init__(
        self, registers: Registers, config: ClerkSection, wake: Callable[[], None]
    ) -> None:
        self.registers = registers
        self.config = config
        self.wake = wake
        self._plans: dict[int, tuple[random.Random, float]] = {}

    def _plan(self, row: dict) -> tuple[random.Random, float]:
        """The document's own generator and when its next action is due."""
        if row["id"] not in self._plans:
            key = (
                f"{self.config.seed}|{row['co_quan_gui']}|{row['document_id']}|{row['don_vi_nhan']}"
            )
            rng = random.Random(key)
            self._plans[row["id"]] = (rng, time.monotonic() + self._delay(rng))
        return self._plans[row["id"]]

    def _delay(self, rng: random.Random) -> float:
        return rng.uniform(*self.config.delay_s)

    def next_action(self, row: dict, rng: random.Random) -> str | None:
        """The status code to report next, or None when the document is settled."""
        if row["yeu_cau_thay_doi"]:
            return "15" if rng.random() < self.config.accept_change_probability else "16"
        if row["loai_nghiep_vu"] or row["trang_thai"] in ("02", "06"):
            return None
        steps = self.config.steps
        if row["trang_thai"] in ("", "01"):
            if rng.random() < self.config.refuse_probability:
                return "02"
            return steps[0] if steps else None
        position = steps.index(row["trang_thai"]) if row["trang_thai"] in steps else len(steps)
        return steps[position + 1] if position + 1 < len(steps) else None

    async def run(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                log.exception("clerk-failed")
            await asyncio.sleep(TICK_S)

    async def tick(self) -> None:
        rows = await self.registers.db.rows(
            "SELECT id, co_quan_gui, document_id, don_vi_nhan, trang_thai, loai_nghiep_vu,"
            " yeu_cau_thay_doi FROM van_ban_den WHERE yeu_cau_thay_doi != ''"
            " OR (loai_nghiep_vu = 0 AND trang_thai NOT IN ('02', '06'))"
        )
        for row in rows:
            rng, due = self._plan(row)
            if time.monotonic() < due:
                continue
            code = self.next_action(row, rng)
            self._plans[row["id"]] = (rng, time.monotonic() + self._delay(rng))
            if code is not None:
                await self._act(row, code)

    async def _act(self, row: dict, code: str) -> None:
        staff = self.config.handler
        try:
            if code in ("15", "16"):
                await self.registers.answer_change(row["id"], code == "15", "", staff)
            else:
                reason = "Không thuộc thẩm quyền (tự động)" if code == "02" else ""
                await self.registers.act(row["id"], code, reason, staff)
        except ActionError as error:  # a human clerk acted meanwhile
            log.info("clerk-skipped", id=row["id"], code=code, reason=str(error))
            return
        log.info("clerk-acted", id=row["id"], code=code)
        self.wake()
