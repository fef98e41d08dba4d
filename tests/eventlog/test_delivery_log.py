"""The delivery log records what happens to a document, in the transactions that make it true
(both backends), and the operator's commands read it: log, trace, queue, stats."""

from __future__ import annotations

from pathlib import Path

from axis.eventlog import kinds
from axis.eventlog.event import EventFilter
from tests.eventlog.conftest import A, B, C, cli, cli_json, write_config
from tests.eventlog.traffic import story


async def test_a_documents_timeline_has_every_transition_with_actor_and_hop(hub, pki) -> None:
    told = await story(hub, pki)
    events = await hub.store.events_for(told.doc_id)
    seen = [(e.kind, e.agency, e.code) for e in events]
    assert seen[:3] == [(kinds.RECEIVED, A, ""), (kinds.ROUTED, B, ""), (kinds.ROUTED, C, "")]
    assert (kinds.FETCHED, B, "") in seen and (kinds.FETCHED, C, "") in seen
    assert (kinds.ACKNOWLEDGED, B, "done") in seen and (kinds.ACKNOWLEDGED, C, "fail") in seen
    assert seen[-1] == (kinds.STATUS, B, "03")
    assert all(e.hop == "vxp.national" and e.actor for e in events)
    assert events[0].actor == "system:00.00.G22" and events[-1].actor == f"agency:{B}"
    assert events[0].ref == told.document_id
    assert [e.seq for e in events] == sorted(e.seq for e in events)


async def test_a_refusal_is_an_event_with_its_code_found_by_document_id(hub, pki) -> None:
    told = await story(hub, pki)
    (refused,) = await hub.store.events_for(told.refused_document_id)
    assert (refused.kind, refused.code, refused.agency) == (kinds.REFUSED, "5.5.1", A)
    assert "000.00.00.H99" in refused.detail and "request " in refused.detail
    by_code = await hub.store.list_events(EventFilter(code="5.5.1"))
    assert [e.seq for e in by_code] == [refused.seq]


async def test_axis_log_filters_and_pages_by_keyset(hub, hub_cfg, pki, tmp_path: Path) -> None:
    await story(hub, pki)
    config = str(write_config(hub_cfg, tmp_path / "cli.toml"))
    code, page = await cli_json("log", "--config", config, "--agency", B, "--limit", "2")
    assert code == 0 and len(page["events"]) == 2 and page["next"] == page["events"][-1]["seq"]
    code, rest = await cli_json(
        "log", "--config", config, "--agency", B, "--after", str(page["next"]), "--limit", "100"
    )
    everything = page["events"] + rest["events"]
    assert all(B in (e["agency"], e["system_id"]) for e in everything)
    assert len({e["seq"] for e in everything}) == len(everything)
    code, acks = await cli_json(
        "log", "--config", config, "--kind", "acknowledged", "--code", "fail"
    )
    assert [(e["agency"], e["code"]) for e in acks["events"]] == [(C, "fail")]
    code, recent = await cli_json("log", "--config", config, "--since", "1h", "--kind", "refused")
    assert len(recent["events"]) == 1
    code, none = await cli_json("log", "--config", config, "--until", "2000-01-01")
    assert none["events"] == []
    code, text = await cli("log", "--config", config, "--kind", "status")
    assert code == 0 and " status " in text and B in text


async def test_axis_trace_shows_recipients_and_the_timeline(hub, hub_cfg, pki, tmp_path) -> None:
    told = await story(hub, pki)
    config = str(write_config(hub_cfg, tmp_path / "cli.toml"))
    code, text = await cli("trace", told.doc_id, "--config", config)
    assert code == 0
    assert f"-> {B}" in text and "done" in text and "status 03" in text
    assert f"-> {C}" in text and "fail" in text
    assert "received" in text and f"{B} reported status 03" in text
    code, by_ref = await cli_json("trace", told.document_id, "--config", config)
    assert by_ref["documents"][0]["id"] == told.doc_id
    code, _ = await cli("trace", "no-such-document", "--config", config)
    assert code == 1


async def test_axis_queue_shows_what_waits_by_destination_and_age(
    hub, hub_cfg, pki, tmp_path
) -> None:
    await story(hub, pki)  # C acknowledged fail: still open; the status waits for A
    config = str(write_config(hub_cfg, tmp_path / "cli.toml"))
    code, shape = await cli_json("queue", "--config", config)
    assert code == 0
    rows = {row["destination"]: row for row in shape["rows"]}
    assert rows[C]["total"] == 1 and rows[C]["by_age"][0] == 1  # younger than 5 minutes
    assert rows[A]["total"] == 1  # the status package, queued for the sender
    assert B not in rows  # done
    assert shape["failures_last_hour"] == 1 and shape["states"] == {"fail": 1, "queued": 1}
    assert shape["oldest"]["agency"] in (A, C)
    code, text = await cli("queue", "--config", config)
    assert "TOTAL" in text and "failures in the last hour: 1" in text


async def test_axis_stats_counts_per_agency_and_the_same_working_day_share(
    hub, hub_cfg, pki, tmp_path
) -> None:
    await story(hub, pki)
    config = str(write_config(hub_cfg, tmp_path / "cli.toml"))
    code, stats = await cli_json("stats", "--config", config, "--period", "month")
    rows = {row["agency"]: row for row in stats["agencies"]}
    assert rows[A]["sent"] == 1 and rows[A]["tier"] == "central"
    assert rows[B]["received"] == 1 and rows[B]["acknowledged"] == 1
    assert rows[B]["tier"] == "province"
    assert rows[C]["received"] == 1 and rows[C]["acknowledged"] == 0
    assert rows[C]["same_day_share"] == 0.0
    # Done today: the same working day, unless today is not a working day (then it counts
    # from the next one, which it is also within).
    assert rows[B]["same_working_day"] == 1
    code, text = await cli("stats", "--config", config, "--csv")
    assert code == 0
    header, *lines = text.strip().splitlines()
    assert header.startswith("agency,tier,sent,received") and len(lines) == len(rows)
