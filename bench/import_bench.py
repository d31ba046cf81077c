"""Import a synthetic district extract into SQLite and compare with the sqlite3 shell's own `.import`.

    .venv/bin/python bench/import_bench.py [--people 1000000] [--seed 7] [--work /tmp/slrt-bench]

Prints: total seconds, rows per second, peak memory, and the `.import` rate of the same file into a table
with the same unique NIK index, measured in the same run. Targets: < 60 s, >= half the .import rate,
< 300 MB.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import FLASK, fresh_instance, instance_env, run_measured, synth  # noqa: E402


def sqlite_import_rate(csv_path: Path, work: Path, rows: int) -> float:
    sqlite3 = shutil.which("sqlite3")
    if not sqlite3:
        sys.exit("The sqlite3 shell is missing: apt-get install -y sqlite3")
    db = work / "dot-import.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    with open(csv_path, encoding="utf-8") as handle:
        columns = handle.readline().strip().split(",")
    script = "\n".join([
        "PRAGMA journal_mode=WAL;",
        f"CREATE TABLE extract ({', '.join(c + ' TEXT' for c in columns)});",
        "CREATE UNIQUE INDEX extract_nik ON extract(NIK);",
        ".mode csv",
        f".import --skip 1 {csv_path} extract",
        "SELECT count(*) FROM extract;"])
    started = time.perf_counter()
    result = subprocess.run([sqlite3, str(db)], input=script, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0 or str(rows) not in result.stdout:
        sys.exit(f"sqlite3 .import failed: {result.stdout} {result.stderr}")
    return rows / seconds, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/slrt-bench-import"))
    args = parser.parse_args()
    instance = args.work / "instance"
    env = instance_env(instance)
    fresh_instance(instance, env)
    extract = synth(env, args.people, args.seed, args.work / f"extract-{args.people}-{args.seed}.csv")
    size_mb = extract.stat().st_size / 1e6

    seconds, peak_kb, largest_kb, output = run_measured([*FLASK, "registry", "import", str(extract)], env)
    rate = args.people / seconds
    dot_rate, dot_seconds = sqlite_import_rate(extract, args.work, args.people)
    print(f"extract: {args.people:,} people, {size_mb:.0f} MB ({extract})")
    print(f"portal import (flask registry import, SQLite): {seconds:.1f} s, {rate:,.0f} rows/s, "
          f"peak memory {peak_kb / 1024:.0f} MB (PSS, writer + validator process), "
          f"{largest_kb / 1024:.0f} MB (RSS of the larger process)")
    print(f"sqlite3 .import, same file, unique NIK index: {dot_seconds:.1f} s, {dot_rate:,.0f} rows/s")
    print(f"ratio: {rate / dot_rate:.2f} of the .import rate")
    print(f"targets: <60 s {'OK' if seconds < 60 else 'MISSED'}; >=0.5x .import "
          f"{'OK' if rate >= dot_rate / 2 else 'MISSED'}; <300 MB {'OK' if peak_kb < 300 * 1024 else 'MISSED'}")
    print(output.strip().splitlines()[-1] if output.strip() else "")


if __name__ == "__main__":
    main()
