"""The console on a big store: generate one (1 million documents by default), then time its pages.

    python -m bench.console_store [--documents 1000000] [--dir bench/out/console] [--runs 30]

Generation opens the store once through axis (every migration, so the console's indexes of
migration 009 are there), then writes rows straight into SQLite with the store's own INSERT for
documents (axis/store/sqlite_intake.py) and the schema's columns for the rest, in large
transactions: a year of traffic, 70 % documents to 1-3 recipients and 30 % status packages,
deliveries mostly done with business statuses, their events, and refusals. A store already
there with as many documents is reused.

Measuring starts the real hub in this process on 127.0.0.1:0 over that store with the console
and admin API on, logs in like a browser, and requests each page ``--runs`` times: p50, p95 and
max per page, printed and written to <dir>/pages.json. Aim: p95 under 200 ms (docs/console.md).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import re
import sqlite3
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from axis import config as config_mod
from axis.api.app import create_app, server_args
from axis.console.passwords import hash_password
from axis.store.sqlite import SqliteStore
from axis.store.sqlite_intake import INSERT_DOCUMENT

OPERATOR, PASSWORD, TOKEN = "bench", "bench-password-long", "bench-admin-token"
SYSTEMS = 60
AGENCIES = 3000
BATCH = 20_000
STATES = (("done", 95), ("fetched", 2), ("queued", 2), ("fail", 1))
BIZ = (("", 4), ("01", 16), ("02", 2), ("03", 30), ("04", 8), ("05", 15), ("06", 25))
REFUSAL_CODES = ("5.3.9", "5.5.1", "5.4.1", "5.6.7", "5.2.1", "5.8.6", "5.3.11")
WORDS = ("Công văn", "Quyết định", "Tờ trình", "Báo cáo", "Thông báo", "Kế hoạch", "Giấy mời")
TOPICS = ("ngân sách", "phòng chống thiên tai", "cải cách hành chính", "chuyển đổi số",
          "đất đai", "y tế", "giáo dục", "giao thông", "môi trường", "an ninh")  # fmt: skip


def _weighted(choices: tuple[tuple[str, int], ...], rng: random.Random) -> str:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def agency_id(n: int) -> str:
    return f"000.{n // 100 % 100:02d}.{n % 100:02d}.H{n // 10000 + 10:02d}"


def system_id(n: int) -> str:
    return f"00.{n:02d}.W00"


def generate(path: Path, documents: int, seed: int = 13) -> None:
    asyncio.run(_migrate(path))
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    # Loading into bare tables and building each index once afterwards is several times faster
    # than keeping every index of every migration up to date row by row.
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    owners = [(agency_id(n), system_id(n % SYSTEMS)) for n in range(AGENCIES)]
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO systems (system_id, secret, name, created_at) VALUES (?, 'x', ?, ?)",
        [(system_id(n), f"Hệ thống {n}", "2025-01-01T00:00:00.000+00:00") for n in range(SYSTEMS)],
    )
    conn.executemany(
        "INSERT INTO agencies (id, code, name, system_id) VALUES (?, ?, ?, ?)",
        [(a, a, f"Cơ quan {a}", s) for a, s in owners],
    )
    conn.execute(
        "INSERT INTO operators (name, password_hash, created_at) VALUES (?, ?, ?)",
        (OPERATOR, hash_password(PASSWORD), "2025-01-01T00:00:00.000+00:00"),
    )
    conn.execute("COMMIT")
    start = datetime.now(UTC) - timedelta(days=365)
    step = timedelta(days=365) / documents
    edocs: list[tuple[str, str, list[str]]] = []  # (id, sender, recipients) to report on
    began = time.monotonic()
    for first in range(0, documents, BATCH):
        rows = _batch(rng, owners, start, step, first, min(BATCH, documents - first), edocs)
        conn.execute("BEGIN")
        conn.executemany(INSERT_DOCUMENT.format(data="?"), rows["documents"])
        conn.executemany(
            "INSERT INTO deliveries (id, doc_id, agency, message_type, route, state, attempts, "
            "last_error, biz_status, biz_status_at, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            rows["deliveries"],
        )
        conn.executemany(
            "INSERT INTO statuses (original_id, agency, code, status_doc, created_at) "
            "VALUES (?,?,?,?,?)",
            rows["statuses"],
        )
        conn.executemany(
            "INSERT INTO events (at, kind, doc_id, delivery_id, agency, system_id, detail) "
            "VALUES (?,?,?,?,?,?,?)",
            rows["events"],
        )
        conn.executemany(
            "INSERT INTO refusals (at, request_id, code, system_id, from_agency, document_id, "
            "sha256, reason) VALUES (?,?,?,?,?,?,?,?)",
            rows["refusals"],
        )
        conn.execute("COMMIT")
        done = first + len(rows["documents"])
        print(f"  {done:>9,} documents  {time.monotonic() - began:6.0f} s", flush=True)
    print(f"  building {len(indexes)} indexes", flush=True)
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("ANALYZE")
    conn.close()


def _batch(
    rng: random.Random, owners: list[tuple[str, str]], start: datetime, step: timedelta,
    first: int, count: int, edocs: list[tuple[str, str, list[str]]],
) -> dict[str, list[tuple[Any, ...]]]:  # fmt: skip
    out: dict[str, list[tuple[Any, ...]]] = {
        "documents": [], "deliveries": [], "statuses": [], "events": [], "refusals": []
    }  # fmt: skip
    for n in range(first, first + count):
        at = _iso(start + step * n)
        doc_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if edocs and rng.random() < 0.3:
            _status_package(rng, owners, out, doc_id, at, edocs)
        else:
            _edoc(rng, owners, out, doc_id, at, n, edocs)
        if rng.random() < 0.05:
            sender, system = rng.choice(owners)
            code = rng.choice(REFUSAL_CODES)
            out["refusals"].append((at, uuid.uuid4().hex[:12], code, system, sender,
                                    f"{sender},2025,{n}/R", "0" * 64, f"refused {code}"))  # fmt: skip
    return out


def _edoc(rng, owners, out, doc_id: str, at: str, n: int, edocs) -> None:  # type: ignore[no-untyped-def]
    sender, system = rng.choice(owners)
    notation = f"{n}/{rng.choice(('UBND-VP', 'STC-NS', 'SYT-KH', 'VPCP-KTTH'))}"
    subject = f"{rng.choice(WORDS)} về {rng.choice(TOPICS)} số {n}"
    out["documents"].append((doc_id, sender, system, "edoc", f"{sender},{at[:10]},{notation}", 0,
                             None, "", hashlib.sha256(doc_id.encode()).hexdigest(), 24_000,
                             b"<edXML/>", subject, notation, "[]", at))  # fmt: skip
    out["events"].append((at, "accepted", doc_id, "", sender, system, "edoc"))
    recipients = [owner for owner in rng.sample(owners, rng.randint(1, 3)) if owner[0] != sender]
    for agency, route in recipients:
        state = _weighted(STATES, rng)
        biz = _weighted(BIZ, rng) if state == "done" else ""
        delivery = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        out["deliveries"].append((delivery, doc_id, agency, "edoc", route, state,
                                  0 if state == "queued" else 1, "parse error" if state == "fail" else "",
                                  biz, at if biz else "", at, at))  # fmt: skip
        if state != "queued":
            out["events"].append((at, "fetched", "", delivery, agency, route, ""))
        if state in ("done", "fail"):
            out["events"].append((at, state, "", delivery, agency, route, ""))
        if biz:
            out["statuses"].append((doc_id, agency, biz, doc_id, at))
    if recipients and len(edocs) < 200_000:
        edocs.append((doc_id, sender, [a for a, _ in recipients]))


def _status_package(rng, owners, out, doc_id: str, at: str, edocs) -> None:  # type: ignore[no-untyped-def]
    original, sender, recipients = rng.choice(edocs)
    reporter = rng.choice(recipients)
    system_of = dict(owners)
    system = system_of[reporter]
    code = rng.choice(("01", "03", "05", "06"))
    out["documents"].append((doc_id, reporter, system, "status", "", 0, original, code,
                             hashlib.sha256(doc_id.encode()).hexdigest(), 900, b"<edXML/>", "", "",
                             "[]", at))  # fmt: skip
    out["events"].append((at, "accepted", doc_id, "", reporter, system, "status"))
    delivery = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    out["deliveries"].append((delivery, doc_id, sender, "status", system_of[sender], "done", 1, "",
                              "", "", at, at))  # fmt: skip
    out["events"].append((at, "done", "", delivery, sender, system_of[sender], ""))


async def _migrate(path: Path) -> None:
    store = SqliteStore(path)
    await store.open()
    await store.close()


def _count(path: Path) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        try:
            return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        except sqlite3.Error:
            return 0


# -- measuring ----------------------------------------------------------------------------


def _samples(path: Path) -> dict[str, str]:
    """Real values from the store for the pages' queries (a mid-store cursor, a sender...)."""
    with sqlite3.connect(path) as conn:
        total = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        mid = conn.execute(
            "SELECT id, created_at, from_agency, notation, document_id FROM documents "
            "WHERE message_type = 'edoc' ORDER BY created_at LIMIT 1 OFFSET ?",
            (total // 2,),
        ).fetchone()
        recipient = conn.execute(
            "SELECT agency FROM deliveries WHERE doc_id = ?", (mid[0],)
        ).fetchone()
    return {"id": mid[0], "after": f"{mid[1]}|{mid[0]}", "sender": mid[2], "notation": mid[3],
            "document_id": mid[4], "recipient": recipient[0], "day": mid[1][:10]}  # fmt: skip


def pages(s: dict[str, str]) -> dict[str, str]:
    return {
        "search: newest": "/console/documents",
        "search: a page in the middle": f"/console/documents?after={s['after']}",
        "search: hub id": f"/console/documents?hub_id={s['id']}",
        "search: DocumentId": f"/console/documents?document_id={s['document_id']}",
        "search: notation": f"/console/documents?notation={s['notation']}",
        "search: sender": f"/console/documents?sender={s['sender']}",
        "search: recipient": f"/console/documents?recipient={s['recipient']}",
        "search: one day": f"/console/documents?since={s['day']}&until={s['day']}",
        "search: subject (common words)": "/console/documents?subject=chuyển đổi số",
        "search: state fail": "/console/documents?state=fail",
        "search: status 02": "/console/documents?biz_status=02&message_type=edoc",
        "search: refusal code": "/console/documents?code=5.3.9",
        "document page": f"/console/documents/{s['id']}",
        "queue": "/console/queue",
        "quarantine: queued, oldest first": "/console/queue?state=queued",
        "overdue": "/console/overdue",
        "refusals by code": "/console/refusals",
        "directory": "/console/directory",
        "statistics": "/console/stats",
        "/metrics": "/metrics",
        "admin: search by sender": f"/admin/documents?sender={s['sender']}",
    }


async def measure(path: Path, runs: int) -> dict[str, dict[str, float]]:
    cfg = config_mod.Config()
    cfg = config_mod.replace(cfg, "hub", data_dir=str(path.parent), workers=2)
    cfg = config_mod.replace(cfg, "store", path=path.name)
    cfg = config_mod.replace(
        cfg, "console", enabled=True, cookie_secure=False,
        admin_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest(),
    )  # fmt: skip
    cfg = config_mod.replace(cfg, "log", level="warning")
    runner = web.AppRunner(create_app(cfg), access_log=None, **server_args(cfg))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    results: dict[str, dict[str, float]] = {}
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            await _login(session, base)
            for name, url in pages(_samples(path)).items():
                times = []
                for _ in range(runs):
                    began = time.perf_counter()
                    headers = (
                        {"Authorization": f"Bearer {TOKEN}"} if url.startswith("/admin") else {}
                    )
                    async with session.get(base + url, headers=headers, allow_redirects=False) as r:
                        await r.read()
                        assert r.status == 200, (name, r.status, (await r.text())[:500])
                    times.append((time.perf_counter() - began) * 1000)
                times.sort()
                results[name] = {
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                    "max_ms": round(times[-1], 1),
                }
                print(f"  {name:36} p50 {results[name]['p50_ms']:7.1f}  p95 "
                      f"{results[name]['p95_ms']:7.1f}  max {results[name]['max_ms']:7.1f} ms", flush=True)  # fmt: skip
    finally:
        await runner.cleanup()
    return results


async def _login(session: aiohttp.ClientSession, base: str) -> None:
    async with session.get(base + "/console/login") as r:
        token = re.search(r'name="csrf" value="([^"]+)"', await r.text())
    assert token
    form = {"csrf": token.group(1), "name": OPERATOR, "password": PASSWORD}
    async with session.post(base + "/console/login", data=form, allow_redirects=False) as r:
        assert r.status == 303, r.status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("bench/out/console"))
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / "axis.db"
    if _count(path) != args.documents:
        for stale in args.dir.glob("axis.db*"):
            stale.unlink()
        print(f"generating {args.documents:,} documents in {path} (about 4 minutes per million)")
        began = time.monotonic()
        generate(path, args.documents)
        print(f"generated in {time.monotonic() - began:.0f} s, {path.stat().st_size / 1e9:.2f} GB")
    print(f"page times over {args.runs} requests each:")
    results = asyncio.run(measure(path, args.runs))
    out = {"documents": args.documents, "runs": args.runs, "pages": results}
    (args.dir / "pages.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
