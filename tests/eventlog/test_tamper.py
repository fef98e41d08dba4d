"""Tamper evidence (both backends): editing, deleting, inserting or reordering one event row
in the database makes ``axis log verify`` fail and name the row; an untouched log verifies.

The log is sealed by the hub key first (as the daemon's sealer does), then changed with raw
SQL, as someone with database access would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from axis.eventlog.chain import chain_hash
from axis.eventlog.event import CONTENT_FIELDS, Event
from axis.eventlog.sealer import seal_key, seal_once
from axis.receipts import ReceiptSigner
from tests.eventlog.conftest import cli_json, drop_guard, raw_sql, write_config
from tests.eventlog.traffic import story


async def _sealed_log(hub, hub_cfg, pki, tmp_path: Path) -> tuple[str, list]:
    await story(hub, pki)
    key = seal_key(ReceiptSigner.load(pki.directory / "hub"), "axis")
    assert key is not None
    await seal_once(hub.store, key)
    config = str(write_config(hub_cfg, tmp_path / "cli.toml"))
    code, report = await cli_json("log", "verify", "--config", config)
    assert code == 0 and report["ok"], report
    assert report["seals"] == 1 and report["last_sealed_seq"] == report["head_seq"]
    rows = await raw_sql(hub_cfg, [("SELECT seq, hash FROM events ORDER BY seq", ())])
    await drop_guard(hub_cfg)  # migration 010: tampering starts with deliberate DDL
    return config, [(int(seq), str(digest)) for seq, digest in rows]


async def _problems(config: str) -> list[dict]:
    code, report = await cli_json("log", "verify", "--config", config)
    assert code == 1 and not report["ok"]
    return list(report["problems"])


async def test_an_edited_event_is_named(hub, hub_cfg, pki, tmp_path) -> None:
    config, rows = await _sealed_log(hub, hub_cfg, pki, tmp_path)
    target = rows[len(rows) // 2][0]
    await raw_sql(hub_cfg, [("UPDATE events SET detail = 'forged' WHERE seq = ?", (target,))])
    problems = await _problems(config)
    assert problems[0] == {"seq": target, "what": "edited: its content does not match its hash"}


async def test_an_edited_and_rehashed_event_is_caught_by_its_successor_and_the_seal(
    hub, hub_cfg, pki, tmp_path
) -> None:
    config, rows = await _sealed_log(hub, hub_cfg, pki, tmp_path)
    (target, _), (after, _) = rows[3], rows[4]
    (row,) = await raw_sql(
        hub_cfg,
        [(f"SELECT {', '.join(CONTENT_FIELDS)}, prev FROM events WHERE seq = ?", (target,))],
    )
    forged = Event(**{**dict(zip(CONTENT_FIELDS, row[:-1], strict=True)), "detail": "forged"})
    new_hash = chain_hash(row[-1], forged)
    await raw_sql(
        hub_cfg,
        [("UPDATE events SET detail = 'forged', hash = ? WHERE seq = ?", (new_hash, target))],
    )
    problems = await _problems(config)
    assert (
        problems[0]["seq"] == after
        and f"seq {target} was removed (or edited" in problems[0]["what"]
    )


async def test_a_deleted_event_is_named(hub, hub_cfg, pki, tmp_path) -> None:
    config, rows = await _sealed_log(hub, hub_cfg, pki, tmp_path)
    (target, _), (after, _) = rows[5], rows[6]
    await raw_sql(hub_cfg, [("DELETE FROM events WHERE seq = ?", (target,))])
    problems = await _problems(config)
    assert [p["seq"] for p in problems] == [after]
    assert f"seq {target} was removed" in problems[0]["what"]


async def test_deleting_the_newest_sealed_events_is_caught_by_the_seal(
    hub, hub_cfg, pki, tmp_path
) -> None:
    config, rows = await _sealed_log(hub, hub_cfg, pki, tmp_path)
    last = rows[-1][0]
    await raw_sql(hub_cfg, [("DELETE FROM events WHERE seq >= ?", (rows[-3][0],))])
    problems = await _problems(config)
    assert problems == [{"seq": last, "what": "sealed (seal 1) but not in the log: removed"}]


async def test_an_inserted_event_is_named(hub, hub_cfg, pki, tmp_path) -> None:
    config, rows = await _sealed_log(hub, hub_cfg, pki, tmp_path)
    (before, before_hash) = rows[4]
    forged = Event(
        "acknowledged", "2026-11-23T03:00:00.000+00:00", agency="000.00.00.H47", code="done"
    )
    values = [getattr(forged, f) for f in CONTENT_FIELDS]
    # Room for one more row after `before` (the rest moves up), then a perfectly linked forgery.
    await raw_sql(
        hub_cfg,
        [
            ("UPDATE events SET seq = seq + 1000 WHERE seq > ?", (before,)),
            (
                f"INSERT INTO events (seq, {', '.join(CONTENT_FIELDS)}, prev, hash) "
                f"VALUES (?, {', '.join('?' * len(CONTENT_FIELDS))}, ?, ?)",
                (before + 1, *values, before_hash, chain_hash(before_hash, forged)),
            ),
        ],
    )
    problems = await _problems(config)
    assert {"seq": before + 1, "what": f"inserted: seq {rows[5][0] + 1000} chains to the event "
            "before it, skipping it"} in problems  # fmt: skip


async def test_two_reordered_events_are_named(hub, hub_cfg, pki, tmp_path) -> None:
    config, rows = await _sealed_log(hub, hub_cfg, pki, tmp_path)
    first, second = rows[3][0], rows[4][0]
    await raw_sql(
        hub_cfg,
        [
            ("UPDATE events SET seq = -1 WHERE seq = ?", (first,)),
            ("UPDATE events SET seq = ? WHERE seq = ?", (first, second)),
            ("UPDATE events SET seq = ? WHERE seq = -1", (second,)),
        ],
    )
    problems = await _problems(config)
    assert problems[0] == {
        "seq": second,
        "what": f"out of order: seq {first} chains after it but comes first",
    }


@pytest.mark.parametrize("column", ["prev", "hash"])
async def test_blanked_chain_fields_are_named(hub, hub_cfg, pki, tmp_path, column) -> None:
    config, rows = await _sealed_log(hub, hub_cfg, pki, tmp_path)
    target = rows[2][0]
    await raw_sql(hub_cfg, [(f"UPDATE events SET {column} = '' WHERE seq = ?", (target,))])
    problems = await _problems(config)
    assert problems[0]["seq"] == target and "missing or malformed" in problems[0]["what"]


async def test_a_rewritten_tail_is_caught_by_the_seal(hub, hub_cfg, pki, tmp_path) -> None:
    config, rows = await _sealed_log(hub, hub_cfg, pki, tmp_path)
    target = rows[3][0]
    columns = ", ".join(CONTENT_FIELDS)
    tail = await raw_sql(
        hub_cfg,
        [(f"SELECT seq, {columns}, prev FROM events WHERE seq >= ? ORDER BY seq", (target,))],
    )
    prev = tail[0][-1]
    updates = []
    for seq, *content, _ in tail:  # the forger re-links every later event consistently
        event = Event(**dict(zip(CONTENT_FIELDS, content, strict=True)))
        if seq == target:
            event = Event(**{**event.__dict__, "detail": "forged"})
        digest = chain_hash(prev, event)
        updates.append(("UPDATE events SET detail = ?, prev = ?, hash = ? WHERE seq = ?",
                        (event.detail, prev, digest, seq)))  # fmt: skip
        prev = digest
    await raw_sql(hub_cfg, updates)
    problems = await _problems(config)
    assert problems == [
        {
            "seq": rows[-1][0],
            "what": "seal 1 pinned another hash here: the chain up to this event was rewritten",
        }
    ]


async def test_the_database_refuses_to_update_or_delete_an_event_without_ddl(
    hub, hub_cfg, pki, tmp_path
) -> None:
    await story(hub, pki)
    await hub.store.chain_pending()  # PostgreSQL: every event linked (only linking may update)
    rows = await raw_sql(hub_cfg, [("SELECT seq FROM events ORDER BY seq", ())])
    target = int(rows[len(rows) // 2][0])
    attempts = [
        ("UPDATE events SET detail = 'forged' WHERE seq = ?", (target,)),
        ("UPDATE events SET hash = '' WHERE seq = ?", (target,)),
        ("UPDATE events SET seq = seq + 1000 WHERE seq = ?", (target,)),
        ("DELETE FROM events WHERE seq = ?", (target,)),
    ]
    if hub_cfg.store.backend == "postgres":
        attempts.append(("TRUNCATE events", ()))
    for sql, params in attempts:
        with pytest.raises(Exception, match="append-only"):
            await raw_sql(hub_cfg, [(sql, params)])
    after = await raw_sql(hub_cfg, [("SELECT seq, detail, hash FROM events ORDER BY seq", ())])
    assert len(after) == len(rows) and all(row[2] for row in after)
    config = str(write_config(hub_cfg, tmp_path / "cli.toml"))
    code, report = await cli_json("log", "verify", "--config", config)
    assert code == 0 and report["ok"], report
