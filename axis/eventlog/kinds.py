"""The fixed list of event kinds (docs/delivery-log.md keeps the same list; a test compares).

Each kind says what became true. ``code`` carries the result code (refused), the business
status (status) or the outcome (acknowledged: done | fail). Kinds marked "later" are emitted
by features that call ``Store.record_event`` (queue manager, tiers, bridge).
"""

from __future__ import annotations

from typing import Final

# Documents and deliveries.
RECEIVED: Final = "received"
REFUSED: Final = "refused"
ROUTED: Final = "routed"
FORWARDED: Final = "forwarded"
FETCHED: Final = "fetched"
ACKNOWLEDGED: Final = "acknowledged"
PUSHED: Final = "pushed"
RETRIED: Final = "retried"
FAILED: Final = "failed"
EXPIRED: Final = "expired"
QUARANTINED: Final = "quarantined"
RELEASED: Final = "released"
SUBSTITUTED: Final = "substituted"
STATUS: Final = "status"
# The directory and connected systems (the same chain: who could receive what, and when).
SYSTEM_ADDED: Final = "system-added"
SECRET_ROTATED: Final = "secret-rotated"
AGENCIES_IMPORTED: Final = "agencies-imported"
AGENCY_REGISTERED: Final = "agency-registered"
AGENCY_DELETED: Final = "agency-deleted"

# kind -> (what it means, who emits it). The order is the order of docs/delivery-log.md.
KINDS: Final[dict[str, tuple[str, str]]] = {
    RECEIVED: ("a package was accepted and stored (the commit is the answer OK)", "intake"),
    REFUSED: ("a package read far enough to know it was refused; code = the 5.x.y", "intake"),
    ROUTED: ("one recipient's delivery was created; detail = its route", "intake"),
    FORWARDED: ("a delivery was handed to another hub; detail = which hub", "queue manager, API"),
    FETCHED: ("the recipient's system fetched the package for the first time", "API"),
    ACKNOWLEDGED: ("the recipient acknowledged; code = done or fail, detail = its error", "API"),
    PUSHED: ("the hub delivered the package to the recipient's endpoint", "queue manager"),
    RETRIED: ("a delivery attempt failed and is scheduled again; detail = when", "queue manager"),
    FAILED: ("a delivery gave up after its attempts; detail = the last error", "queue manager"),
    EXPIRED: ("a delivery was not completed within its lifetime", "queue manager"),
    QUARANTINED: ("a delivery was held by the operator or a rule", "queue manager"),
    RELEASED: ("a held delivery was released", "queue manager"),
    SUBSTITUTED: (
        "a retired recipient's delivery went to a successor; detail = new id (delivery)",
        "axis agencies retire, intake",
    ),
    STATUS: ("a recipient reported a business status 01..16 on the document; code = it", "intake"),
    SYSTEM_ADDED: ("a connected system was registered", "axis systems"),
    SECRET_ROTATED: ("a system's secret was changed", "axis systems"),
    AGENCIES_IMPORTED: ("the directory was imported; detail = how many rows", "axis agencies"),
    AGENCY_REGISTERED: ("an agency was registered", "API, axis agencies"),
    AGENCY_DELETED: ("an agency was deleted or retired", "API, axis agencies"),
}

# Kinds found only in rows written before migration 005 (then chained as they are).
LEGACY: Final[dict[str, str]] = {
    "accepted": "before migration 005: what received is now",
    "done": "before migration 005: acknowledged with code done",
    "fail": "before migration 005: acknowledged with code fail",
}


def actor_system(system_id: str) -> str:
    return f"system:{system_id}"


def actor_agency(agency_id: str) -> str:
    return f"agency:{agency_id}"


def actor_hub(hub: str) -> str:
    return f"hub:{hub}"
