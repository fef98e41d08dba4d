"""Vietnamese and English labels for what the console shows ("01 Đã đến / arrived").

Business statuses are docs/domain.md §5; transport states are the store's delivery states.
"""

from __future__ import annotations

BIZ_STATUS = {
    "": "Chưa có trạng thái / no status yet",
    "01": "Đã đến / arrived",
    "02": "Từ chối / refused",
    "03": "Đã tiếp nhận / received",
    "04": "Phân công / assigned",
    "05": "Đang xử lý / in progress",
    "06": "Hoàn thành / finished",
    "13": "Thu hồi / recall requested",
    "15": "Đồng ý thu hồi / recall accepted",
    "16": "Từ chối thu hồi / recall refused",
}
STATE = {
    "queued": "Chờ nhận / waiting",
    "fetched": "Đã lấy / fetched",
    "done": "Đã nhận xong / delivered",
    "fail": "Lỗi nhận / failed",
}
MESSAGE_TYPE = {"edoc": "Văn bản / document", "status": "Trạng thái / status"}
EVENT = {
    # the delivery log's kinds (axis/eventlog/kinds.py)
    "received": "Trục đã nhận / accepted by the hub",
    "refused": "Trục từ chối / refused by the hub",
    "routed": "Đã định tuyến / routed",
    "forwarded": "Đã chuyển trục khác / forwarded to another hub",
    "fetched": "Bên nhận đã lấy / fetched by the recipient",
    "acknowledged": "Bên nhận xác nhận / acknowledged",
    "pushed": "Đã đẩy tới bên nhận / pushed to the recipient",
    "retried": "Thử lại / retry scheduled",
    "failed": "Không chuyển được / delivery failed",
    "expired": "Quá hạn chuyển / expired",
    "quarantined": "Cách ly / quarantined",
    "released": "Đã giải phóng / released",
    "substituted": "Chuyển đơn vị kế thừa / sent to the successor",
    "status": "Trạng thái nghiệp vụ / business status",
    # rows written before the delivery log (migration 005)
    "accepted": "Trục đã nhận / accepted by the hub",
    "done": "Bên nhận xác nhận / acknowledged",
    "fail": "Bên nhận báo lỗi / recipient reported a failure",
}


def biz_status(code: str) -> str:
    label = BIZ_STATUS.get(code)
    return f"{code} {label}" if code and label else (label or code)


def state(name: str) -> str:
    return STATE.get(name, name)


def message_type(name: str) -> str:
    return MESSAGE_TYPE.get(name, name)


def event(kind: str) -> str:
    return EVENT.get(kind, kind)
