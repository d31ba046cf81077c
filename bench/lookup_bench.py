"""NIK lookup and name search at the counter, through the real HTTP endpoint under gunicorn.

    .venv/bin/python bench/lookup_bench.py [--people 2000000] [--port 8106] [--requests 300]

Loads a synthetic extract of --people, logs in as the demo front-office clerk and POSTs searches to
/registri/cari (the page the counter uses). Targets: NIK p95 < 20 ms, name p95 < 100 ms.
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (FLASK, Browser, Gunicorn, describe, fresh_instance, instance_env, percentile,  # noqa: E402
                     run_measured, synth)


def samples(path: Path, count: int, seed: int):
    rng = random.Random(seed)
    niks, names = [], []
    with open(path, encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for n, row in enumerate(reader):
            if len(niks) < count * 20 or rng.random() < 0.0005:
                niks.append(row[0])
                names.append(row[2])
    rng.shuffle(niks)
    rng.shuffle(names)
    # What a clerk types: the first name and the start of the family name.
    prefixes = [name.split()[0] + " " + name.split()[1][:3] if " " in name else name[:5] for name in names]
    return niks[:count], prefixes[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--work", type=Path, default=Path("/tmp/slrt-bench-lookup"))
    parser.add_argument("--reuse", action="store_true", help="Keep the loaded instance of an earlier run.")
    args = parser.parse_args()
    instance = args.work / "instance"
    env = instance_env(instance)
    extract = args.work / f"extract-{args.people}-{args.seed}.csv"
    if not (args.reuse and (instance / "slrt.db").exists()):
        fresh_instance(instance, env, seed_demo=True)
        synth(env, args.people, args.seed, extract)
        seconds, _peak, _largest, _out = run_measured([*FLASK, "registry", "import", str(extract)], env)
        print(f"loaded {args.people:,} people in {seconds:.0f} s")
    niks, names = samples(extract, args.requests, args.seed)
    server = Gunicorn(env, args.port)
    try:
        clerk = Browser(server.base)
        clerk.login("loket", "demo-password-1")
        htmx = {"HX-Request": "true", "HX-Target": "registry-results"}
        for nik in niks[:10]:  # warm-up
            clerk.post("/registri/cari", {"q": nik}, htmx)
        nik_times, found = [], 0
        for nik in niks:
            started = time.perf_counter()
            html = clerk.post("/registri/cari", {"q": nik}, htmx)
            nik_times.append(time.perf_counter() - started)
            found += "Terdaftar" in html
        name_times, hits = [], 0
        for name in names:
            started = time.perf_counter()
            html = clerk.post("/registri/cari", {"q": name}, htmx)
            name_times.append(time.perf_counter() - started)
            hits += "Lihat keluarga" in html
    finally:
        server.stop()
    print(f"registry: {args.people:,} people; gunicorn 2 workers x 4 threads; POST /registri/cari (htmx)")
    print(f"NIK lookup:  {describe(nik_times)}; {found}/{len(niks)} found "
          f"[target p95 < 20 ms: {'OK' if percentile(nik_times, 95) < 0.020 else 'MISSED'}]")
    print(f"name search: {describe(name_times)}; {hits}/{len(names)} with results "
          f"[target p95 < 100 ms: {'OK' if percentile(name_times, 95) < 0.100 else 'MISSED'}]")


if __name__ == "__main__":
    main()
