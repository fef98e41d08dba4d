"""A sender on the gateway door (docs/gateway.md), which has no sent list, learns of a failed push
delivery from the hub-made status in its own ``vanbans?type=status`` list (docs/delivery.md "What
the sender sees"); both backends, the real app on loopback, the hub's own key and directory."""

from __future__ import annotations

import base64
from typing import Any

from axis.api.app import DAEMON
from axis.delivery.clock import ManualClock
from axis.delivery.notices import FailureNotices
from axis.edxml import StatusPackage, load, parse
from tests.delivery.conftest import PUSHED, http_push, queue_manager, settle
from tests.gateway.conftest import Door, hub, hub_cfg, pki
from tests.hub.conftest import B, C, document, package_bytes
from tests.support.push_receiver import Receiver

__all__ = ["hub", "hub_cfg", "pki"]


async def test_a_gateway_sender_sees_the_failure_status_in_its_vanbans_list(
    hub: Any, pki: Any, receiver: Receiver
) -> None:
    door = Door.of(hub)
    token = await door.token(B)
    data = package_bytes(pki, document(B, (C,)))
    body = {"type": "edoc", "from": B, "content": base64.b64encode(data).decode()}
    await door.ok("POST", "/vanbans", token, body)  # to C, whose system (PUSHED) is pushed to
    daemon = hub.app[DAEMON]
    notices = FailureNotices(daemon.store, daemon.directory, daemon.receipts, "02", "test-hub")
    clock = ManualClock(1e10)  # far past the document's acceptance: its lifetime is over
    receiver.mode = "down"
    manager = queue_manager(daemon.store, {PUSHED: http_push(receiver)}, clock, notices=notices)
    for _ in range(2):
        await settle(manager)
    await manager.close()
    (row,) = await door.ok("GET", "/vanbans?type=status", token)
    assert (row["messageType"], row["from"], row["to"]) == ("status", C, B)
    fetched = await door.ok("GET", f"/vanbans/{row['docId']}", token)
    status = parse(load(base64.b64decode(fetched["content"])).root)
    assert isinstance(status, StatusPackage) and status.status_code == "02"
    assert status.description.startswith("axis 5.9.1 delivery.expired")
