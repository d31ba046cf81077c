"""The public status page while an extract is imported, against the same page idle.

    .venv/bin/python bench/status_during_import.py [--people 300000] [--port 8106]

Serves the portal with gunicorn, measures GET /status?ticket=... idle, then again while `flask registry
import` runs. The ticket is a real one of the demo data (the case with the most events), so each request
finds the case and reads its events: the path a citizen takes, not the failure path of an unknown ticket.
Target: p95 during import at most 2x idle.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (FLASK, ROOT, Gunicorn, describe, fresh_instance, instance_env, percentile,  # noqa: E402
                     synth)


FAILED = "Nomor tiket atau tanggal lahir tidak cocok"


def real_ticket(instance: Path) -> tuple[str, int]:
    """The ticket of the demo case with the most events, and how many events it has."""
    import sqlite3
    with sqlite3.connect(instance / "slrt.db") as connection:
        found = connection.execute("SELECT c.ticket, COUNT(e.id) FROM cases c JOIN case_events e ON e.case_id = c.id "
                                   "GROUP BY c.id ORDER BY COUNT(e.id) DESC, c.id LIMIT 1").fetchone()
    if not found:
        sys.exit("The demo data has no case with events: `flask demo seed` did not run?")
    return found


def measure(base: str, ticket: str, count: int | None = None, until=None) -> list[float]:
    times = []
    path = "/status?ticket=" + urllib.parse.quote(ticket)
    while True:
        started = time.perf_counter()
        with urllib.request.urlopen(base + path, timeout=30) as response:
            body = response.read().decode()
        if ticket not in body or FAILED in body:
            sys.exit(f"the status page did not find ticket {ticket}: the benchmark would measure a failure")
        times.append(time.perf_counter() - started)
        time.sleep(0.02)  # a citizen every 20 ms, not a flood
        if count and len(times) >= count:
            return times
        if until and until():
            return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument("--work", type=Path, default=Path("/tmp/slrt-bench-status"))
    args = parser.parse_args()
    instance = args.work / "instance"
    env = instance_env(instance)
    fresh_instance(instance, env, seed_demo=True)
    extract = synth(env, args.people, args.seed, args.work / f"extract-{args.people}-{args.seed}.csv")
    ticket, events = real_ticket(instance)
    server = Gunicorn(env, args.port)
    try:
        measure(server.base, ticket, count=20)
        idle = measure(server.base, ticket, count=300)
        importing = subprocess.Popen([*FLASK, "registry", "import", str(extract)], cwd=ROOT, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        during = measure(server.base, ticket, until=lambda: importing.poll() is not None)
        idle_after = measure(server.base, ticket, count=300)
    finally:
        server.stop()
    ratio = percentile(during, 95) / percentile(idle, 95)
    print(f"GET /status?ticket=... under gunicorn (2 workers), import of {args.people:,} people in SQLite")
    print(f"ticket: a real demo case with {events} events, found on every request")
    print(f"idle:          {describe(idle)}")
    print(f"during import: {describe(during)}")
    print(f"idle after:    {describe(idle_after)}")
    print(f"p95 during / idle: {ratio:.2f}x [target <= 2x: {'OK' if ratio <= 2 else 'MISSED'}]")


if __name__ == "__main__":
    main()
