"""What the hub says about the delivery of each document we sent (getSentEdocList, docs/api.md),
kept per recipient so the outgoing register shows a delivery that failed or expired
(docs/delivery.md "Lifetime": ``expired`` with 5.9.1 and the last error) beside the business
statuses (adapters/qoffice/sync.py reads it each round; registers.py shows it).

Only the SDK door lists what a system sent; the gateway dialect has no such operation
(docs/gateway.md). On either door the hub also sends a status package when it gives a delivery
up (docs/delivery.md "What the sender sees": 02 from the recipient not reached, StaffInfo
``axis``, Description ``axis 5.9.1 ...``): that one is recorded here as the transport state it
reports, not as the recipient's business status, so the register shows ``expired`` or
``fail`` with the hub's reason and no refusal the recipient never made.
"""

from __future__ import annotations

from typing import Any

from adapters.qoffice.db import Database, now

# Transport states after which the hub changes nothing more (docs/reliability.md §3).
FINAL = ("done", "fail", "expired")

_AWAITING = (
    "SELECT 1 FROM van_ban_di d JOIN noi_nhan n ON n.van_ban_di_id = d.id"
    " LEFT JOIN trang_thai_gui t ON t.hub_doc_id = d.hub_doc_id AND t.don_vi_nhan = n.don_vi_nhan"
    " WHERE d.hub_doc_id != '' AND (t.trang_thai IS NULL OR t.trang_thai NOT IN (?, ?, ?))"
    " LIMIT 1"
)
_UPSERT = (
    "INSERT INTO trang_thai_gui (hub_doc_id, don_vi_nhan, trang_thai, mo_ta, cap_nhat_luc)"
    " SELECT :doc, :to, :state, :desc, :at"
    " WHERE EXISTS (SELECT 1 FROM van_ban_di WHERE hub_doc_id = :doc)"
    " ON CONFLICT (hub_doc_id, don_vi_nhan) DO UPDATE SET trang_thai = excluded.trang_thai,"
    " mo_ta = excluded.mo_ta, cap_nhat_luc = excluded.cap_nhat_luc"
    " WHERE trang_thai_gui.trang_thai != excluded.trang_thai"
    " OR trang_thai_gui.mo_ta != excluded.mo_ta"
)

# The hub's failure status, keyed by the DocumentId it names (ResponseFor/DocumentId).
_FROM_STATUS = (
    "INSERT INTO trang_thai_gui (hub_doc_id, don_vi_nhan, trang_thai, mo_ta, cap_nhat_luc)"
    " SELECT hub_doc_id, :to, :state, :desc, :at FROM van_ban_di"
    " WHERE document_id = :document_id AND hub_doc_id != ''"
    " ON CONFLICT (hub_doc_id, don_vi_nhan) DO UPDATE SET trang_thai = excluded.trang_thai,"
    " mo_ta = excluded.mo_ta, cap_nhat_luc = excluded.cap_nhat_luc"
)
_HUB_CODES = {"5.9.1": "expired", "5.9.2": "fail"}


def hub_failure(pkg: Any) -> tuple[str, str] | None:
    """(transport state, reason) when ``pkg`` is the hub's failure status; else None."""
    staff = getattr(pkg, "staff", None)
    if pkg.status_code != "02" or staff is None or staff.staff != "axis":
        return None
    reason = pkg.description.removeprefix("axis ")
    state = _HUB_CODES.get(reason.split(" ", 1)[0]) if reason != pkg.description else None
    return (state, reason) if state else None


async def record_failure(db: Database, pkg: Any, failure: tuple[str, str]) -> None:
    """The transport state a hub failure status reports, for the document it names."""
    params = {"to": pkg.sender.organ_id, "state": failure[0], "desc": failure[1], "at": now(),
              "document_id": pkg.response_for.document_id}  # fmt: skip
    async with db.transaction() as conn:
        await conn.execute(_FROM_STATUS, params)


async def awaiting(db: Database) -> bool:
    """Whether some recipient of a sent document has no final transport state yet."""
    return await db.row(_AWAITING, FINAL) is not None


async def record(db: Database, sent_rows: list[dict[str, Any]]) -> None:
    """Keep the state of each row of the hub's sent list that is about one of our documents."""
    stamp = now()
    async with db.transaction() as conn:
        for row in sent_rows:
            await conn.execute(
                _UPSERT,
                {
                    "doc": str(row.get("senderDocId", "")),
                    "to": str(row.get("toCode", "")),
                    "state": str(row.get("sendStatus", "")),
                    "desc": str(row.get("sendStatusDesc", "")),
                    "at": stamp,
                },
            )


async def of_document(db: Database, hub_doc_id: str) -> dict[str, dict[str, str]]:
    """recipient -> {ma, mo_ta}: the hub's transport state of one sent document."""
    if not hub_doc_id:
        return {}
    rows = await db.rows(
        "SELECT don_vi_nhan, trang_thai, mo_ta FROM trang_thai_gui WHERE hub_doc_id = ?",
        (hub_doc_id,),
    )
    return {r["don_vi_nhan"]: {"ma": r["trang_thai"], "mo_ta": r["mo_ta"]} for r in rows}
