"""``stamped`` (axis/store/events_sqlite.py) lists an event's content values by hand for speed:
it must carry every content field of Event in CONTENT_FIELDS order, including any added later,
and fill only the time, the hop and a bare hub actor."""

from __future__ import annotations

import dataclasses

from axis.eventlog.event import CONTENT_FIELDS, Event, LogSettings
from axis.store.events_sqlite import stamped


def test_stamping_keeps_every_field_and_fills_only_time_hop_and_hub_actor() -> None:
    names = [f.name for f in dataclasses.fields(Event)]
    assert set(names) == set(CONTENT_FIELDS)
    full = Event(**{name: f"{name}-value" for name in names})
    assert stamped(full, LogSettings(hub="h47")) == [getattr(full, f) for f in CONTENT_FIELDS]
    bare = dataclasses.replace(full, at="", hop="", actor="hub:")
    filled = dict(zip(CONTENT_FIELDS, stamped(bare, LogSettings(hub="h47")), strict=True))
    assert filled["at"] and filled["hop"] == "h47" and filled["actor"] == "hub:h47"
    unchanged = [n for n in CONTENT_FIELDS if n not in ("at", "hop", "actor")]
    assert [filled[n] for n in unchanged] == [getattr(full, n) for n in unchanged]
