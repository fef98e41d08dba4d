"""The two registers and what clerks do with them: the endpoint's business logic.

The HTTP API (web.py), the auto-clerk (clerk.py) and the hub link (sync.py) all act through
these functions. Every clerk action that the original sender must hear about writes the status
package into ``status_outbox`` in the same transaction as the register change; sync.py sends it.
Status codes and their order: docs/domain.md §5 and docs/business-rules.md.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from adapters.qoffice import packages, transport
from adapters.qoffice.config import Config
from adapters.qoffice.db import Database, now

# What a clerk may do next, by the latest status reported on an incoming document.
ALLOWED_AFTER = {
    "03": {"", "01"},
    "02": {"", "01", "03", "04", "05"},
    "04": {"01", "03", "04", "05"},
    "05": {"01", "03", "04", "05"},
    "06": {"01", "03", "04", "05"},
}
STAGES = ("DU_THAO", "KY_SO_LANH_DAO", "KY_SO_BAN_HANH", "BAN_HANH")
STAGE_NAMES = {
    "DU_THAO": "Dự thảo",
    "KY_SO_LANH_DAO": "Lãnh đạo đã ký số",
    "KY_SO_BAN_HANH": "Văn thư đã ký số, cấp số",
    "BAN_HANH": "Đã ban hành",
}


class ActionError(Exception):
    """A clerk action that does not apply (HTTP 409) or names nothing (HTTP 404)."""

    def __init__(self, message: str, http_status: int = 409) -> None:
        super().__init__(message)
        self.http_status = http_status


class Registers:
    def __init__(self, db: Database, config: Config) -> None:
        self.db = db
        self.config = config
        self.names = {a.id: a.name or a.id for a in config.agencies}

    # ---- incoming (số đến) ------------------------------------------------------------------

    async def store_incoming(self, hub_doc_id: str, to_agency: str, data: bytes) -> bool:
        """Keep a fetched edoc once (idempotent by sender + DocumentId + recipient); a new
        document (type 0) owes status 01 at once. False when it was already stored."""
        fields = packages.Incoming.read(data).document_fields()
        stamp = now()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO van_ban_den (don_vi_nhan, co_quan_gui, ten_co_quan_gui, document_id,"
                " so_ky_hieu, trich_yeu, do_khan, ngay_ban_hanh, nguoi_ky, loai_nghiep_vu,"
                " van_ban_goc, ds_file_dinh_kem, trang_thai, hub_doc_id, goi_tin, nhan_luc,"
                " cap_nhat_luc) VALUES (:to, :co_quan_gui, :ten_co_quan_gui, :document_id,"
                " :so_ky_hieu, :trich_yeu, :do_khan, :ngay_ban_hanh, :nguoi_ky, :loai_nghiep_vu,"
                " :van_ban_goc, :ds_file_dinh_kem, :trang_thai, :hub, :data, :at, :at)"
                " ON CONFLICT DO NOTHING",
                {
                    **fields,
                    "to": to_agency,
                    "trang_thai": "" if fields["loai_nghiep_vu"] else "01",
                    "hub": hub_doc_id,
                    "data": data,
                    "at": stamp,
                },
            )
            row_id = cursor.lastrowid
            if not cursor.rowcount or row_id is None:
                return False
            if fields["loai_nghiep_vu"]:
                # revoke / update / replace: the original now awaits a 15 or 16 from us
                await self._request_change(
                    conn,
                    to_agency,
                    fields["co_quan_gui"],
                    fields["van_ban_goc"],
                    str(fields["loai_nghiep_vu"]),
                    row_id,
                )
            elif not self.config.defects.status_out_of_order:
                row = await self._incoming(conn, row_id)
                await self._queue_status(conn, row, "01", "", "Hệ thống (tự động)")
        return True

    async def _request_change(
        self,
        conn: Any,
        to_agency: str,
        sender: str,
        document_id: str,
        kind: str,
        request_row: int | None,
        reason: str = "",
    ) -> None:
        cursor = await conn.execute(
            "UPDATE van_ban_den SET yeu_cau_thay_doi = ?, ly_do_thay_doi = ?,"
            " tra_loi_thay_doi = '', cap_nhat_luc = ? WHERE co_quan_gui = ? AND document_id = ?"
            " AND don_vi_nhan = ? AND loai_nghiep_vu = 0",
            (kind, reason, now(), sender, document_id, to_agency),
        )
        if not cursor.rowcount and request_row is not None:
            # the original is not in our register: the request itself carries the question
            await conn.execute(
                "UPDATE van_ban_den SET yeu_cau_thay_doi = ?, cap_nhat_luc = ? WHERE id = ?",
                (kind, now(), request_row),
            )

    async def incoming(self, agency: str | None = None) -> list[dict[str, Any]]:
        where, params = ("WHERE don_vi_nhan = ?", (agency,)) if agency else ("", ())
        rows = await self.db.rows(f"SELECT * FROM van_ban_den {where} ORDER BY id", params)
        return [incoming_view(row) for row in rows]

    async def incoming_one(self, row_id: int) -> dict[str, Any]:
        row = await self._incoming(self.db.conn, row_id)
        return incoming_view(row)

    async def _incoming(self, conn: Any, row_id: int) -> dict[str, Any]:
        async with conn.execute("SELECT * FROM van_ban_den WHERE id = ?", (row_id,)) as cursor:
            found = await cursor.fetchone()
        if found is None:
            raise ActionError(f"no incoming document {row_id}", 404)
        return dict(found)

    async def act(self, row_id: int, code: str, note: str = "", staff: str = "") -> dict[str, Any]:
        """A clerk's step on an incoming document: 02 refuse (note = the reason), 03 receive
        (gives the incoming number), 04 assign (staff = the handler), 05 in progress, 06 done."""
        if code not in ALLOWED_AFTER:
            raise ActionError(f"unknown action {code}", 400)
        if code == "02" and not note:
            raise ActionError("a refusal needs a reason (ly_do)", 400)
        async with self.db.transaction() as conn:
            row = await self._incoming(conn, row_id)
            if row["loai_nghiep_vu"]:
                raise ActionError("a revoke/update/replace request is answered with 15 or 16")
            if row["trang_thai"] not in ALLOWED_AFTER[code]:
                raise ActionError(
                    f"status {code} cannot follow {row['trang_thai'] or 'nothing'}"
                    " (docs/business-rules.md)"
                )
            updates: dict[str, Any] = {"trang_thai": code, "cap_nhat_luc": now()}
            if code == "03":
                updates["so_den"] = await self._next_number(conn, row["don_vi_nhan"])
            if code == "04":
                updates["nguoi_xu_ly"] = staff
            if code == "02":
                updates["ly_do"] = note
            sets = ", ".join(f"{name} = :{name}" for name in updates)
            await conn.execute(
                f"UPDATE van_ban_den SET {sets} WHERE id = :id", {**updates, "id": row_id}
            )
            await self._queue_status(conn, {**row, **updates}, code, note, staff)
            if code == "03" and self.config.defects.status_out_of_order:
                await self._queue_status(conn, row, "01", "", "Hệ thống (tự động)")  # test-only
            return incoming_view(await self._incoming(conn, row_id))

    async def answer_change(
        self, row_id: int, agree: bool, note: str = "", staff: str = ""
    ) -> dict[str, Any]:
        """Answer a recall (13) or a revoke/update/replace request with 15 (agree) or 16."""
        code = "15" if agree else "16"
        async with self.db.transaction() as conn:
            row = await self._incoming(conn, row_id)
            if not row["yeu_cau_thay_doi"]:
                raise ActionError("no recall or update awaits an answer on this document")
            await conn.execute(
                "UPDATE van_ban_den SET yeu_cau_thay_doi = '', tra_loi_thay_doi = ?,"
                " cap_nhat_luc = ? WHERE id = ?",
                (code, now(), row_id),
            )
            await self._queue_status(conn, row, code, note, staff)
            return incoming_view(await self._incoming(conn, row_id))

    async def _next_number(self, conn: Any, agency: str) -> int:
        async with conn.execute(
            "SELECT COALESCE(MAX(so_den), 0) + 1 FROM van_ban_den WHERE don_vi_nhan = ?", (agency,)
        ) as cursor:
            (number,) = await cursor.fetchone()
        return int(number)

    async def _queue_status(
        self, conn: Any, row: dict[str, Any], code: str, note: str, staff: str
    ) -> None:
        reporter = row["don_vi_nhan"]
        pkg = packages.status_package(
            reporter, self.names[reporter], row, code, note, staff or "Văn thư"
        )
        data = packages.signed(self.config.signing_material(reporter), pkg)
        await conn.execute(
            "INSERT INTO status_outbox (don_vi_gui, ma, goi_tin, tao_luc) VALUES (?, ?, ?, ?)",
            (reporter, code, data, now()),
        )

    # ---- outgoing (số đi) -------------------------------------------------------------------

    async def compose(
        self, draft: dict[str, Any], files: list[tuple[str, str, bytes]]
    ) -> dict[str, Any]:
        """A draft (DU_THAO) from the native fields; recipients in ds_co_quan_ngoai_tinh /
        ds_co_quan_trong_tinh as [{don_vi_nhan: {id, ten}, la_lien_thong, han_tra_loi}]."""
        sender = draft.get("don_vi_gui") or self.config.agencies[0].id
        if sender not in self.names:
            raise ActionError(f"{sender} is not an agency this endpoint serves", 400)
        recipients = [(r, 1) for r in draft.get("ds_co_quan_trong_tinh", [])]
        recipients += [(r, 0) for r in draft.get("ds_co_quan_ngoai_tinh", [])]
        if not recipients:
            raise ActionError("no recipients (ds_co_quan_trong_tinh / ds_co_quan_ngoai_tinh)", 400)
        if not draft.get("trich_yeu"):
            raise ActionError("trich_yeu (the subject) is required", 400)
        stamp = now()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO van_ban_di (don_vi_gui, ky_hieu_van_ban, trich_yeu, noi_dung,"
                " loai_van_ban, do_khan, nguoi_ky, chuc_vu_nguoi_ky, dia_diem_ban_hanh,"
                " trang_thai, tao_luc, cap_nhat_luc) VALUES (?,?,?,?,?,?,?,?,?,'DU_THAO',?,?)",
                (
                    sender,
                    draft.get("ky_hieu_van_ban", "VP"),
                    draft["trich_yeu"],
                    draft.get("noi_dung", ""),
                    draft.get("loai_van_ban", "Công văn"),
                    int(draft.get("do_khan", 0)),
                    draft.get("nguoi_ky", ""),
                    draft.get("chuc_vu_nguoi_ky", ""),
                    draft.get("dia_diem_ban_hanh", ""),
                    stamp,
                    stamp,
                ),
            )
            doc_id = cursor.lastrowid
            for recipient, in_province in recipients:
                unit = recipient["don_vi_nhan"]
                await conn.execute(
                    "INSERT INTO noi_nhan VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        doc_id,
                        unit["id"],
                        unit.get("ten", ""),
                        int(bool(recipient.get("la_lien_thong", True))),
                        recipient.get("han_tra_loi", ""),
                        in_province,
                    ),
                )
            for name, kind, content in files:
                await conn.execute(
                    "INSERT INTO file_dinh_kem (van_ban_di_id, ten_file, loai, noi_dung)"
                    " VALUES (?, ?, ?, ?)",
                    (doc_id, name, kind, content),
                )
        assert doc_id is not None
        return await self.outgoing_one(doc_id)

    async def advance(self, doc_id: int, stage: str) -> dict[str, Any]:
        """Move a draft one issuing stage on: KY_SO_LANH_DAO (the leader signs),
        KY_SO_BAN_HANH (the clerk numbers it and the package is built and XMLDSig-signed with
        the agency's key), BAN_HANH (queued for the hub; sync.py sends it)."""
        if stage not in STAGES[1:]:
            raise ActionError(f"unknown stage {stage}; one of {', '.join(STAGES[1:])}", 400)
        async with self.db.transaction() as conn:
            doc = await self._outgoing(conn, doc_id)
            if STAGES.index(doc["trang_thai"]) != STAGES.index(stage) - 1:
                raise ActionError(f"{stage} cannot follow {doc['trang_thai']}")
            updates: dict[str, Any] = {"trang_thai": stage, "cap_nhat_luc": now()}
            if stage == "KY_SO_BAN_HANH":
                updates |= await self._number_and_sign(conn, doc)
            sets = ", ".join(f"{name} = :{name}" for name in updates)
            await conn.execute(
                f"UPDATE van_ban_di SET {sets} WHERE id = :id", {**updates, "id": doc_id}
            )
        return await self.outgoing_one(doc_id)

    async def _number_and_sign(self, conn: Any, doc: dict[str, Any]) -> dict[str, Any]:
        async with conn.execute(
            "SELECT COALESCE(MAX(so_di), 0) + 1 FROM van_ban_di WHERE don_vi_gui = ?",
            (doc["don_vi_gui"],),
        ) as cursor:
            (number,) = await cursor.fetchone()
        issued = datetime.now()
        numbered = {
            **doc,
            "so_di": number,
            "so_ky_hieu": f"{number}/{doc['ky_hieu_van_ban']}",
            "ngay_ban_hanh": packages.edxml_date(issued),
        }
        # the customary DocumentId: OrganId,yyyy/MM/dd,Number/Notation (docs/domain.md §3)
        numbered["document_id"] = (
            f"{doc['don_vi_gui']},{numbered['ngay_ban_hanh']},{numbered['so_ky_hieu']}"
        )
        recipients = await _fetch(
            conn, "SELECT * FROM noi_nhan WHERE van_ban_di_id = ? AND la_lien_thong = 1", doc["id"]
        )
        if not recipients:
            raise ActionError("no recipient goes over the axis (la_lien_thong)")
        files = await _fetch(
            conn, "SELECT * FROM file_dinh_kem WHERE van_ban_di_id = ? ORDER BY id", doc["id"]
        )
        pkg = packages.outgoing_package(numbered, self.names[doc["don_vi_gui"]], recipients, files)
        signer = self.config.defects.signer_for(doc["don_vi_gui"], list(self.names))
        material = self.config.signing_material(signer)
        return {
            "so_di": number,
            "so_ky_hieu": numbered["so_ky_hieu"],
            "ngay_ban_hanh": numbered["ngay_ban_hanh"],
            "document_id": numbered["document_id"],
            "goi_tin": packages.signed(material, pkg),
        }

    async def outgoing(self) -> list[dict[str, Any]]:
        ids = await self.db.rows("SELECT id FROM van_ban_di ORDER BY id")
        return [await self.outgoing_one(row["id"]) for row in ids]

    async def outgoing_one(self, doc_id: int) -> dict[str, Any]:
        doc = await self._outgoing(self.db.conn, doc_id)
        recipients = await self.db.rows(
            "SELECT * FROM noi_nhan WHERE van_ban_di_id = ? ORDER BY don_vi_nhan", (doc_id,)
        )
        files = await self.db.rows(
            "SELECT ten_file, loai, length(noi_dung) AS kich_thuoc FROM file_dinh_kem"
            " WHERE van_ban_di_id = ? ORDER BY id",
            (doc_id,),
        )
        statuses = await self.db.rows(
            "SELECT don_vi_bao, ma, mo_ta, thoi_diem, nhan_luc FROM trang_thai_nhan"
            " WHERE co_quan_gui_goc = ? AND document_id = ? ORDER BY nhan_luc, hub_doc_id",
            (doc["don_vi_gui"], doc["document_id"]),
        )
        delivery = await transport.of_document(self.db, doc["hub_doc_id"])
        return outgoing_view(doc, recipients, files, statuses, delivery)

    async def _outgoing(self, conn: Any, doc_id: int) -> dict[str, Any]:
        async with conn.execute("SELECT * FROM van_ban_di WHERE id = ?", (doc_id,)) as cursor:
            found = await cursor.fetchone()
        if found is None:
            raise ActionError(f"no outgoing document {doc_id}", 404)
        return dict(found)

    async def record_status(self, hub_doc_id: str, to_agency: str, pkg: Any) -> bool:
        """A status about a document one of our agencies sent, or a recall (13) of one we
        received, which then awaits our 15 or 16. Idempotent by the hub's delivery id: False
        when it was already recorded."""
        if (failure := transport.hub_failure(pkg)) is not None:  # the hub gave a delivery up
            await transport.record_failure(self.db, pkg, failure)
            return True
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO trang_thai_nhan VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                (
                    hub_doc_id,
                    pkg.response_for.organ_id,
                    pkg.response_for.document_id,
                    pkg.sender.organ_id,
                    pkg.status_code,
                    pkg.description,
                    pkg.timestamp,
                    now(),
                ),
            )
            if not cursor.rowcount:
                return False
            if pkg.status_code == "13":
                await self._request_change(
                    conn,
                    to_agency,
                    pkg.sender.organ_id,
                    pkg.response_for.document_id,
                    "13",
                    None,
                    pkg.description,
                )
            return True


async def _fetch(conn: Any, sql: str, *params: Any) -> list[dict[str, Any]]:
    async with conn.execute(sql, params) as cursor:
        return [dict(row) for row in await cursor.fetchall()]


def incoming_view(row: dict[str, Any]) -> dict[str, Any]:
    """A van_ban_den row as the native API shows it."""
    view = {k: v for k, v in row.items() if k not in ("goi_tin", "ds_file_dinh_kem", "trang_thai")}
    view["ds_file_dinh_kem"] = json.loads(row["ds_file_dinh_kem"])
    code = row["trang_thai"]
    view["trang_thai_van_ban"] = {"ma": code, "mo_ta": packages.STATUS_NAMES.get(code, "")}
    view["la_lien_thong"] = True
    return view


def outgoing_view(
    doc: dict[str, Any],
    recipients: list[dict[str, Any]],
    files: list[dict[str, Any]],
    statuses: list[dict[str, Any]],
    delivery: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A van_ban_di row with its recipients, each with its status timeline from the hub and
    the hub's delivery state (``trang_thai_gui``: queued, fetched, done, fail, expired).
    Agencies that report on it without being recipients received it in a recipient's place
    after a reorganisation (docs/tiers.md): they are listed in ``ds_don_vi_ke_thua``."""
    view = {k: v for k, v in doc.items() if k not in ("goi_tin", "trang_thai")}
    view["trang_thai_van_ban"] = {"ma": doc["trang_thai"], "mo_ta": STAGE_NAMES[doc["trang_thai"]]}
    view["ds_file_dinh_kem"] = files
    delivery = delivery or {}
    inside: list[dict[str, Any]] = []
    outside: list[dict[str, Any]] = []
    for recipient in recipients:
        entry = {
            **_timeline_entry(recipient["don_vi_nhan"], recipient["ten"], statuses, delivery),
            "la_lien_thong": bool(recipient["la_lien_thong"]),
            "han_tra_loi": recipient["han_tra_loi"],
        }
        (inside if recipient["trong_tinh"] else outside).append(entry)
    addressed = {r["don_vi_nhan"] for r in recipients}
    others = dict.fromkeys([s["don_vi_bao"] for s in statuses] + list(delivery))
    view["ds_don_vi_ke_thua"] = [
        _timeline_entry(agency, "", statuses, delivery)
        for agency in others
        if agency not in addressed
    ]
    view["ds_co_quan_trong_tinh"] = inside
    view["ds_co_quan_ngoai_tinh"] = outside
    return view


def _timeline_entry(
    agency: str, name: str, statuses: list[dict[str, Any]], delivery: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """One agency's status timeline, latest status and the hub's delivery state to it."""
    timeline = [
        {"ma": s["ma"], "mo_ta": s["mo_ta"], "thoi_diem": s["thoi_diem"]}
        for s in statuses
        if s["don_vi_bao"] == agency
    ]
    latest = timeline[-1]["ma"] if timeline else ""
    return {
        "don_vi_nhan": {"id": agency, "ten": name},
        "trang_thai_xu_ly": {"ma": latest, "mo_ta": packages.STATUS_NAMES.get(latest, "")},
        "dong_thoi_gian": timeline,
        "trang_thai_gui": delivery.get(agency, {"ma": "", "mo_ta": ""}),
    }
