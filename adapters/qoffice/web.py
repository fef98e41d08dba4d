"""The endpoint's native HTTP/JSON API (Vietnamese snake_case, docs/domain.md §8) and a plain
server-rendered HTML view of its two registers.

Every route but /healthz needs ``Authorization: Bearer <endpoint.token>``; the HTML page also
takes ``?token=`` so it opens in a browser. Answers: ``{"data": ...}``, or ``{"loi": reason}``
with an honest HTTP status.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any

from aiohttp import web

from adapters.qoffice.packages import attachment_bytes
from adapters.qoffice.registers import ActionError, Registers

REGISTERS = web.AppKey("registers", Registers)
WAKE: web.AppKey[Callable[[], None]] = web.AppKey("wake")
TOKEN = web.AppKey("token", str)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# clerk actions on an incoming document -> the status code each reports (docs/domain.md §5)
ACTIONS = {
    "tiep-nhan": "03",
    "tu-choi": "02",
    "phan-cong": "04",
    "dang-xu-ly": "05",
    "hoan-thanh": "06",
}


def create_app(registers: Registers, token: str, wake: Callable[[], None]) -> web.Application:
    app = web.Application(middlewares=[_errors, _auth], client_max_size=64 * 1024 * 1024)
    app[REGISTERS], app[TOKEN], app[WAKE] = registers, token, wake
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/", html_registers)
    app.router.add_get("/api/he-thong", system_info)
    app.router.add_get("/api/van-ban-den", incoming_list)
    app.router.add_get("/api/van-ban-den/{id:\\d+}", incoming_one)
    app.router.add_get("/api/van-ban-den/{id:\\d+}/file/{n:\\d+}", incoming_file)
    app.router.add_post("/api/van-ban-den/{id:\\d+}/tra-loi-thay-doi", answer_change)
    app.router.add_post("/api/van-ban-den/{id:\\d+}/{action}", incoming_action)
    app.router.add_get("/api/van-ban-di", outgoing_list)
    app.router.add_post("/api/van-ban-di", compose)
    app.router.add_get("/api/van-ban-di/{id:\\d+}", outgoing_one)
    app.router.add_post("/api/van-ban-di/{id:\\d+}/buoc", advance)
    return app


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ActionError as error:
        return web.json_response({"loi": str(error)}, status=error.http_status)
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        return web.json_response({"loi": f"bad request: {error}"}, status=400)


@web.middleware
async def _auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path in ("/healthz", "/vxp/push"):  # the push route verifies the hub's HMAC
        return await handler(request)
    header = request.headers.get("Authorization", "")
    given = header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""
    if request.path == "/" and not given:
        given = request.query.get("token", "")
    if not hmac.compare_digest(given.encode(), request.app[TOKEN].encode()):
        return web.json_response({"loi": "missing or wrong bearer token"}, status=401)
    return await handler(request)


def _ok(data: Any, status: int = 200) -> web.Response:
    return web.json_response({"data": data}, status=status)


def _registers(request: web.Request) -> Registers:
    return request.app[REGISTERS]


async def _json(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "OK"})


async def system_info(request: web.Request) -> web.Response:
    registers = _registers(request)
    units = [{"id": a.id, "ten": a.name} for a in registers.config.agencies]
    return _ok({"ma_he_thong": registers.config.hub.system_id, "ds_don_vi": units})


async def incoming_list(request: web.Request) -> web.Response:
    return _ok(await _registers(request).incoming(request.query.get("don_vi")))


async def incoming_one(request: web.Request) -> web.Response:
    return _ok(await _registers(request).incoming_one(int(request.match_info["id"])))


async def incoming_file(request: web.Request) -> web.Response:
    row = await _registers(request).db.row(
        "SELECT goi_tin FROM van_ban_den WHERE id = ?", (int(request.match_info["id"]),)
    )
    if row is None:
        raise ActionError("no such incoming document", 404)
    try:
        name, kind, content = attachment_bytes(row["goi_tin"], int(request.match_info["n"]))
    except IndexError:
        raise ActionError("no such attachment", 404) from None
    disposition = f"attachment; filename*=UTF-8''{_quote(name)}"
    return web.Response(body=content, content_type=kind or "application/octet-stream",
                        headers={"Content-Disposition": disposition})  # fmt: skip


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


async def incoming_action(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    if action not in ACTIONS:
        raise ActionError(f"unknown action {action}; one of {', '.join(ACTIONS)}", 404)
    body = await _json(request)
    row = await _registers(request).act(
        int(request.match_info["id"]),
        ACTIONS[action],
        note=str(body.get("ly_do") or body.get("y_kien") or ""),
        staff=str(body.get("nguoi_xu_ly") or body.get("can_bo") or ""),
    )
    request.app[WAKE]()
    return _ok(row)


async def answer_change(request: web.Request) -> web.Response:
    body = await _json(request)
    if not isinstance(body.get("dong_y"), bool):
        raise ValueError("dong_y (true = 15 agree, false = 16 refuse) is required")
    row = await _registers(request).answer_change(
        int(request.match_info["id"]),
        body["dong_y"],
        str(body.get("y_kien", "")),
        str(body.get("can_bo", "")),
    )
    request.app[WAKE]()
    return _ok(row)


async def outgoing_list(request: web.Request) -> web.Response:
    return _ok(await _registers(request).outgoing())


async def outgoing_one(request: web.Request) -> web.Response:
    return _ok(await _registers(request).outgoing_one(int(request.match_info["id"])))


async def compose(request: web.Request) -> web.Response:
    """A draft: the native fields plus ds_file_dinh_kem [{ten_file, loai, noi_dung (base64)}]."""
    body = await _json(request)
    files = [
        (
            str(f["ten_file"]),
            str(f.get("loai") or "application/octet-stream"),
            base64.b64decode(f["noi_dung"], validate=True),
        )
        for f in body.get("ds_file_dinh_kem", [])
    ]
    return _ok(await _registers(request).compose(body, files), status=201)


async def advance(request: web.Request) -> web.Response:
    """One issuing step: {ma: KY_SO_LANH_DAO | KY_SO_BAN_HANH | BAN_HANH, y_kien}."""
    body = await _json(request)
    doc = await _registers(request).advance(int(request.match_info["id"]), str(body.get("ma")))
    if doc["trang_thai_van_ban"]["ma"] == "BAN_HANH":
        request.app[WAKE]()
    return _ok(doc)


async def html_registers(request: web.Request) -> web.Response:
    registers = _registers(request)
    incoming, outgoing = await registers.incoming(), await registers.outgoing()
    rows_in = "".join(
        _tr(
            d["so_den"] or "",
            d["don_vi_nhan"],
            d["ten_co_quan_gui"] or d["co_quan_gui"],
            d["so_ky_hieu"],
            d["trich_yeu"],
            f"{d['trang_thai_van_ban']['ma']} {d['trang_thai_van_ban']['mo_ta']}",
            d["nguoi_xu_ly"],
            d["yeu_cau_thay_doi"] and f"chờ trả lời ({d['yeu_cau_thay_doi']})",
        )
        for d in incoming
    )
    rows_out = "".join(
        _tr(
            d["so_di"] or "",
            d["don_vi_gui"],
            d["so_ky_hieu"],
            d["trich_yeu"],
            d["trang_thai_van_ban"]["mo_ta"],
            d["hub_doc_id"] or d["loi_gui"],
            "; ".join(
                f"{r['don_vi_nhan']['id']}: "
                + " → ".join(t["ma"] for t in r["dong_thoi_gian"])
                + _undelivered(r["trang_thai_gui"])
                for r in d["ds_co_quan_trong_tinh"]
                + d["ds_co_quan_ngoai_tinh"]
                + d["ds_don_vi_ke_thua"]
            ),
        )
        for d in outgoing
    )
    units = ", ".join(escape(f"{a.id} {a.name}") for a in registers.config.agencies)
    page = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Sổ văn bản</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:.3em .6em;text-align:left}}</style></head>
<body><h1>Sổ văn bản</h1><p>Đơn vị: {units}</p>
<h2>Sổ văn bản đến</h2><table><tr><th>Số đến</th><th>Đơn vị nhận</th><th>Cơ quan gửi</th>
<th>Số ký hiệu</th><th>Trích yếu</th><th>Trạng thái</th><th>Người xử lý</th><th>Thu hồi/cập nhật</th>
</tr>{rows_in}</table>
<h2>Sổ văn bản đi</h2><table><tr><th>Số đi</th><th>Đơn vị gửi</th><th>Số ký hiệu</th>
<th>Trích yếu</th><th>Trạng thái</th><th>DocId trên trục</th><th>Nơi nhận: trạng thái</th>
</tr>{rows_out}</table></body></html>"""
    return web.Response(text=page, content_type="text/html")


def _tr(*cells: object) -> str:
    return "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in cells) + "</tr>"


def _undelivered(delivery: dict[str, str]) -> str:
    """ " (expired: 5.9.1 ...)" when the hub gave up delivering to that recipient."""
    return (
        f" ({delivery['ma']}: {delivery['mo_ta']})" if delivery["ma"] in ("fail", "expired") else ""
    )
