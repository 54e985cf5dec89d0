"""crm-py against the same work written in pure Python on sqlite3.

Both sides use a WAL file and the same shape of schema: a party row, its
contact points, an audit row and an outbox row per write, one transaction per
batch. The pure-Python side does much less checking (no phone parsing, no
email validation beyond a lower-case), so the ratios flatter it.

Run: python crm-py/bench/bench.py [--persons 100000] [--batch 1000]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import crm

SCHEMA = """
CREATE TABLE party (
    id BLOB PRIMARY KEY, kind TEXT NOT NULL, display_name TEXT NOT NULL,
    sort_key TEXT NOT NULL, given_name TEXT, family_name TEXT, country TEXT,
    roles INTEGER NOT NULL DEFAULT 0, archived_at INTEGER,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX party_live_kind ON party (kind, sort_key, id, country, roles) WHERE archived_at IS NULL;
CREATE TABLE contact_point (
    id BLOB NOT NULL, party_id BLOB NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    kind TEXT NOT NULL, value TEXT NOT NULL, raw TEXT, is_primary INTEGER NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, version INTEGER NOT NULL,
    PRIMARY KEY (party_id, id)
) WITHOUT ROWID;
CREATE INDEX contact_point_by_value ON contact_point (kind, value);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, entity TEXT NOT NULL,
    entity_id BLOB NOT NULL, action TEXT NOT NULL, changes TEXT NOT NULL
);
CREATE INDEX audit_by_entity ON audit (entity_id, seq);
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, topic TEXT NOT NULL, entity TEXT NOT NULL,
    entity_id BLOB NOT NULL, payload TEXT NOT NULL
);
"""


def now_micros() -> int:
    return int(datetime.now(timezone.utc).timestamp() * 1_000_000)


class PlainSqlite:
    """The same work, by hand, on the standard library's sqlite3."""

    def __init__(self, path: Path, autocheckpoint: int | None = None) -> None:
        self.con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.con.execute("PRAGMA journal_mode=WAL")
        if autocheckpoint is not None:
            self.con.execute(f"PRAGMA wal_autocheckpoint={int(autocheckpoint)}")
        self.con.execute("PRAGMA synchronous=NORMAL")
        self.con.execute("PRAGMA foreign_keys=ON")
        self.con.executescript(SCHEMA)

    def create_persons(self, people: list[dict[str, Any]]) -> list[str]:
        ids = []
        cur = self.con.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for p in people:
                pid = uuid.uuid4().bytes
                at = now_micros()
                name = f"{p['given_name']} {p['family_name']}"
                roles = 1 if "customer" in p.get("roles", ()) else 0
                cur.execute(
                    "INSERT INTO party (id, kind, display_name, sort_key, given_name, family_name,"
                    " roles, created_at, updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,1)",
                    (pid, "person", name, name.lower(), p["given_name"], p["family_name"], roles, at, at),
                )
                contacts = []
                for kind, raw in [("email", e) for e in p["emails"]] + [("phone", n) for n in p["phones"]]:
                    value = raw.strip().lower() if kind == "email" else raw.replace(" ", "")
                    cid = uuid.uuid4().bytes
                    cur.execute(
                        "INSERT INTO contact_point (id, party_id, kind, value, raw, is_primary,"
                        " created_at, updated_at, version) VALUES (?,?,?,?,?,1,?,?,1)",
                        (cid, pid, kind, value, raw if raw != value else None, at, at),
                    )
                    contacts.append({"id": str(uuid.UUID(bytes=cid)), "kind": kind, "value": value})
                record = json.dumps(
                    {"id": str(uuid.UUID(bytes=pid)), "kind": "person", "display_name": name, "contact_points": contacts}
                )
                cur.execute(
                    "INSERT INTO audit (at, actor, entity, entity_id, action, changes) VALUES (?,?,?,?,?,?)",
                    (at, "system", "party", pid, "created", record),
                )
                cur.execute(
                    "INSERT INTO outbox (at, topic, entity, entity_id, payload) VALUES (?,?,?,?,?)",
                    (at, "party.created", "party", pid, record),
                )
                ids.append(str(uuid.UUID(bytes=pid)))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return ids

    def _party(self, row: tuple[Any, ...]) -> dict[str, Any]:
        pid = row[0]
        contacts = [
            {"id": str(uuid.UUID(bytes=c[0])), "kind": c[1], "value": c[2], "primary": bool(c[3])}
            for c in self.con.execute(
                "SELECT id, kind, value, is_primary FROM contact_point WHERE party_id = ?", (pid,)
            )
        ]
        return {
            "id": str(uuid.UUID(bytes=pid)),
            "kind": row[1],
            "display_name": row[2],
            "given_name": row[3],
            "family_name": row[4],
            "created_at": datetime.fromtimestamp(row[5] / 1e6, timezone.utc),
            "version": row[6],
            "contact_points": contacts,
        }

    def get(self, id: str) -> dict[str, Any]:
        row = self.con.execute(
            "SELECT id, kind, display_name, given_name, family_name, created_at, version FROM party WHERE id = ?",
            (uuid.UUID(id).bytes,),
        ).fetchone()
        if row is None:
            raise KeyError(id)
        return self._party(row)

    def page(self, limit: int) -> list[dict[str, Any]]:
        rows = self.con.execute(
            "SELECT id, kind, display_name, given_name, family_name, created_at, version FROM party"
            " WHERE kind = 'person' AND archived_at IS NULL AND roles & 1"
            " ORDER BY sort_key, id LIMIT ?",
            (limit,),
        ).fetchall()
        return [self._party(r) for r in rows]


def person(i: int) -> dict[str, Any]:
    return {
        "given_name": f"Given{i}",
        "family_name": f"Family{i % 997}",
        "emails": [f"person{i}@example.com"],
        "phones": [f"+371 2{i % 10_000_000:07d}"],
        "roles": ["customer"] if i % 2 == 0 else [],
    }


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--gets", type=int, default=20_000)
    ap.add_argument("--pages", type=int, default=2_000)
    ap.add_argument(
        "--plain-autocheckpoint",
        type=int,
        default=None,
        help="WAL pages between checkpoints on the sqlite3 side (default: SQLite's 1000; crm uses 4000)",
    )
    args = ap.parse_args()
    n, batch = args.persons, args.batch
    people = [person(i) for i in range(n)]
    batches = [people[i : i + batch] for i in range(0, n, batch)]
    rng = random.Random(7)

    with tempfile.TemporaryDirectory() as tmp:
        db = crm.open(Path(tmp) / "crm.db")
        plain = PlainSqlite(Path(tmp) / "plain.db", args.plain_autocheckpoint)

        crm_ids: list[str] = []
        plain_ids: list[str] = []

        def crm_create() -> None:
            for b in batches:
                crm_ids.extend(p.id for p in db.create_parties(b))

        def plain_create() -> None:
            for b in batches:
                plain_ids.extend(plain.create_persons(b))

        t_crm_create = timed(crm_create)
        t_plain_create = timed(plain_create)

        crm_pick = [rng.choice(crm_ids) for _ in range(args.gets)]
        plain_pick = [rng.choice(plain_ids) for _ in range(args.gets)]
        t_crm_get = timed(lambda: [db.get_party(i) for i in crm_pick])
        t_plain_get = timed(lambda: [plain.get(i) for i in plain_pick])

        t_crm_page = timed(
            lambda: [db.list_parties(kind="person", role="customer", limit=50) for _ in range(args.pages)]
        )
        t_plain_page = timed(lambda: [plain.page(50) for _ in range(args.pages)])
        assert len(db.list_parties(kind="person", role="customer", limit=50).items) == 50
        assert len(plain.page(50)) == 50
        assert db.count_parties() == n

        rows = [
            (f"create {n:,} persons (2 contact points, batches of {batch})", t_crm_create, t_plain_create, n),
            (f"get by id x {args.gets:,}", t_crm_get, t_plain_get, args.gets),
            (f"filtered page of 50 (person, customer, by name) x {args.pages:,}", t_crm_page, t_plain_page, args.pages),
        ]
        print(f"{'work':<62} {'crm-py':>12} {'sqlite3':>12} {'crm/sqlite3':>12}")
        for what, a, b, count in rows:
            print(
                f"{what:<62} {a:>10.3f} s {b:>10.3f} s {a / b:>11.2f}x"
                f"\n{'':<62} {a / count * 1e6:>9.1f} µs {b / count * 1e6:>9.1f} µs"
            )
        db.close()
        plain.con.close()


if __name__ == "__main__":
    main()
