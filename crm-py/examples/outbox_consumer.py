"""An integration reading the outbox in order, from several threads'
writes, and pruning what it has handled.

Run: python crm-py/examples/outbox_consumer.py
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import crm


def write_some(db: crm.Crm, worker: int) -> None:
    handle = db.with_actor(f"worker-{worker}")
    for i in range(10):
        p = handle.create_person(given_name=f"W{worker}", family_name=f"N{i}")
        handle.add_tags(p.id, ["imported"])


def main() -> None:
    with crm.open(":memory:") as db:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda w: write_some(db, w), range(4)))

        last_seen = 0
        handled = 0
        while True:
            batch = db.events_after(last_seen, limit=25)
            if not batch:
                break
            for event in batch:
                handled += 1
                last_seen = event.seq
        print(f"handled {handled} events; last seq {last_seen}")
        print(f"pruned {db.prune_events(last_seen)} events")


if __name__ == "__main__":
    main()
