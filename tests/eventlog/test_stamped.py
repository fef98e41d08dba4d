"""``stamped`` (axis/store/events_sqlite.py) builds the stamped event field by field for speed:
it must carry every field of Event, including any added later."""

from __future__ import annotations

import dataclasses

from axis.eventlog.event import Event, LogSettings
from axis.store.events_sqlite import stamped


def test_stamping_keeps_every_field_and_fills_only_time_hop_and_hub_actor() -> None:
    names = [f.name for f in dataclasses.fields(Event)]
    full = Event(**{name: f"{name}-value" for name in names})
    assert stamped(full, LogSettings(hub="h47")) is full  # nothing to fill: the same event
    bare = dataclasses.replace(full, at="", hop="", actor="hub:")
    filled = stamped(bare, LogSettings(hub="h47"))
    assert filled.at and filled.hop == "h47" and filled.actor == "hub:h47"
    unchanged = [n for n in names if n not in ("at", "hop", "actor")]
    assert [getattr(filled, n) for n in unchanged] == [getattr(full, n) for n in unchanged]
