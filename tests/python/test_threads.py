"""One handle shared by many threads at once; the GIL is released while
the core works."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import crm

THREADS = 16
PER_THREAD = 15


def _work(db: crm.Crm, n: int) -> list[str]:
    ids = []
    for i in range(PER_THREAD):
        p = db.create_person(
            given_name=f"T{n}",
            family_name=f"P{i}",
            emails=[f"t{n}.p{i}@example.com"],
            roles=["customer"],
        )
        got = db.get_party(p.id)
        assert got == p
        p = db.update_party(p.id, p.version, language="lv")
        db.add_note(p.id, f"note {n}/{i}")
        assert db.count_parties() >= 1
        next(db.parties(kind="person"))
        ids.append(p.id)
    return ids


def _run(db: crm.Crm) -> None:
    start = threading.Barrier(THREADS)

    def job(n: int) -> list[str]:
        start.wait()
        return _work(db.with_actor(f"worker-{n}") if n % 2 else db, n)

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(job, range(THREADS)))
    ids = [i for r in results for i in r]
    assert len(set(ids)) == THREADS * PER_THREAD
    assert db.count_parties() == THREADS * PER_THREAD
    assert db.count_parties(role="customer") == THREADS * PER_THREAD


def test_sixteen_threads_in_memory(db: crm.Crm) -> None:
    _run(db)


def test_sixteen_threads_on_a_file(file_db: crm.Crm) -> None:
    _run(file_db)


def test_gil_is_released(db_path: Path) -> None:
    """A Python thread keeps running while another waits in the core."""
    db = crm.open(db_path)
    db.create_parties([{"given_name": f"G{i}", "family_name": "X"} for i in range(3000)])
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        for _ in range(3):
            db.list_parties(limit=1000)
    finally:
        stop.set()
        t.join()
    assert ticks > 0
    db.close()
