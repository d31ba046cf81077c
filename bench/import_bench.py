"""Import a synthetic district extract into SQLite and compare with the sqlite3 shell's own `.import`.

    .venv/bin/python bench/import_bench.py [--people 1000000] [--seed 7] [--work /tmp/slrt-bench]

Prints: total seconds, rows per second, peak memory, and two `.import` rates of the same file, measured in
the same run:
- like-for-like: the shell's `.import` into a table with the same indexes as the portal's tables (unique
  NIK, family card, name, a second name key) and the households written to their own table with a unique
  family-card index, as the portal does;
- the floor: `.import` into a table with the unique NIK index only (what the shell can do at best).
Targets: < 60 s, >= half the like-for-like .import rate, < 300 MB.
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


# What the portal's tables keep besides the rows (see migrations: registry_people and registry_households):
# unique (nik, import_id), kk_number, name_key, name_phonetic; households unique (kk_number, import_id).
LIKE_FOR_LIKE = [
    "CREATE UNIQUE INDEX extract_nik ON extract(NIK);",
    "CREATE INDEX extract_kk ON extract(NOKK);",
    "CREATE INDEX extract_name ON extract(NAMA);",
    "CREATE INDEX extract_name_key ON extract(lower(NAMA));",  # stands for the phonetic key's index
    "CREATE TABLE households (NOKK TEXT, ALAMAT TEXT, RT TEXT, RW TEXT, KODE_WILAYAH TEXT, DESIL TEXT);",
    "CREATE UNIQUE INDEX households_kk ON households(NOKK);",
]
FILL_HOUSEHOLDS = ("INSERT OR IGNORE INTO households SELECT NOKK, ALAMAT, RT, RW, KODE_WILAYAH, DESIL FROM extract "
                   "ORDER BY rowid;")
FLOOR = ["CREATE UNIQUE INDEX extract_nik ON extract(NIK);"]


def sqlite_import_rate(csv_path: Path, work: Path, rows: int, schema: list[str], after: list[str]) -> tuple[float, float]:
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
        *schema,
        ".mode csv",
        "BEGIN;",
        f".import --skip 1 {csv_path} extract",
        *after,
        "COMMIT;",
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
    like_rate, like_seconds = sqlite_import_rate(extract, args.work, args.people, LIKE_FOR_LIKE, [FILL_HOUSEHOLDS])
    floor_rate, floor_seconds = sqlite_import_rate(extract, args.work, args.people, FLOOR, [])
    print(f"extract: {args.people:,} people, {size_mb:.0f} MB ({extract})")
    print(f"portal import (flask registry import, SQLite): {seconds:.1f} s, {rate:,.0f} rows/s, "
          f"peak memory {peak_kb / 1024:.0f} MB (PSS, writer + validator process), "
          f"{largest_kb / 1024:.0f} MB (RSS of the larger process)")
    print(f"sqlite3 .import like-for-like (the portal's indexes + households table): {like_seconds:.1f} s, "
          f"{like_rate:,.0f} rows/s -> ratio {rate / like_rate:.2f}")
    print(f"sqlite3 .import floor (unique NIK index only): {floor_seconds:.1f} s, {floor_rate:,.0f} rows/s "
          f"-> ratio {rate / floor_rate:.2f}")
    print(f"targets: <60 s {'OK' if seconds < 60 else 'MISSED'}; >=0.5x like-for-like .import "
          f"{'OK' if rate >= like_rate / 2 else 'MISSED'}; <300 MB {'OK' if peak_kb < 300 * 1024 else 'MISSED'}")
    print(output.strip().splitlines()[-1] if output.strip() else "")


if __name__ == "__main__":
    main()
