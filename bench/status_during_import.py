"""The public status page while an extract is imported, against the same page idle.

    .venv/bin/python bench/status_during_import.py [--people 300000] [--port 8106]

Serves the portal with gunicorn, measures GET /status?ticket=... (a real ticket lookup in the database)
idle, then again while `flask registry import` runs. Target: p95 during import at most 2x idle.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (FLASK, ROOT, Gunicorn, describe, fresh_instance, instance_env, percentile,  # noqa: E402
                     synth)


def measure(base: str, seconds: float | None = None, count: int | None = None, until=None) -> list[float]:
    times = []
    while True:
        started = time.perf_counter()
        with urllib.request.urlopen(base + "/status?ticket=SLRT-BENCH-0001", timeout=30) as response:
            response.read()
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
    server = Gunicorn(env, args.port)
    try:
        measure(server.base, count=20)
        idle = measure(server.base, count=300)
        importing = subprocess.Popen([*FLASK, "registry", "import", str(extract)], cwd=ROOT, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        during = measure(server.base, until=lambda: importing.poll() is not None)
        idle_after = measure(server.base, count=300)
    finally:
        server.stop()
    ratio = percentile(during, 95) / percentile(idle, 95)
    print(f"GET /status?ticket=... under gunicorn (2 workers), import of {args.people:,} people in SQLite")
    print(f"idle:          {describe(idle)}")
    print(f"during import: {describe(during)}")
    print(f"idle after:    {describe(idle_after)}")
    print(f"p95 during / idle: {ratio:.2f}x [target <= 2x: {'OK' if ratio <= 2 else 'MISSED'}]")


if __name__ == "__main__":
    main()
