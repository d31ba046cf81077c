"""What changed between two extracts of a district: the comparison's time and peak memory.

    .venv/bin/python bench/change_bench.py [--people 1000000] [--seed 7] [--work /tmp/slrt-bench-changes]

Writes a synthetic extract (slrt.registry.synth), then a second one from it with known differences, whole
households at a time and each household in one kind only: some leave, some join, some move desil up or
down, some lose PBI-JKN, some move to another desa. Imports both (the second with the comparison deferred),
then runs `flask registry changes <second>` alone, measuring its time and peak memory, and checks every
count against what was written. Targets: < 60 s, < 300 MB.
"""
from __future__ import annotations

import argparse
import csv
import random
import re
import sqlite3
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import FLASK, fresh_instance, instance_env, run_measured, synth  # noqa: E402

SHARE = {"left": 0.02, "decile_up": 0.02, "decile_down": 0.02, "lost_pbi": 0.02, "moved": 0.01}


def second_extract(first: Path, second: Path, joiners: Path, seed: int) -> Counter:
    """Write `second` from `first` with known differences; returns the expected count of each kind."""
    rng = random.Random(seed)
    with open(first, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    villages = sorted({r[col["KODE_WILAYAH"]] for r in body})
    households: dict[str, list[list[str]]] = {}
    for row in body:
        households.setdefault(row[col["NOKK"]], []).append(row)
    expected: Counter = Counter()
    out = []
    for kk, members in households.items():
        draw, kind, edge = rng.random(), None, 0.0
        for name, share in SHARE.items():
            edge += share
            if draw < edge:
                kind = name
                break
        decile = int(members[0][col["DESIL"]])
        if kind == "decile_up" and decile == 10 or kind == "decile_down" and decile == 1:
            kind = None
        if kind == "lost_pbi" and members[0][col["PBI"]] != "1":
            kind = None
        if kind == "left":
            expected["left"] += len(members)
            continue
        for row in members:
            row = list(row)
            if kind == "decile_up":
                row[col["DESIL"]] = str(min(10, decile + rng.randint(1, 3)))
            elif kind == "decile_down":
                row[col["DESIL"]] = str(max(1, decile - rng.randint(1, 3)))
            elif kind == "lost_pbi":
                row[col["PBI"]] = "0"
            elif kind == "moved":
                row[col["KODE_WILAYAH"]] = rng.choice([v for v in villages[:50] if v != row[col["KODE_WILAYAH"]]])
            out.append(row)
        if kind:
            expected[kind] += len(members)
    # Newcomers: households of another synthetic extract whose NIKs and family cards this one lacks.
    niks = {r[col["NIK"]] for r in body}
    with open(joiners, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        newcomers: dict[str, list[list[str]]] = {}
        for row in reader:
            newcomers.setdefault(row[col["NOKK"]], []).append(row)
    wanted = int(len(body) * 0.02)
    for kk, members in newcomers.items():
        if expected["joined"] >= wanted:
            break
        if kk in households or any(r[col["NIK"]] in niks for r in members):
            continue
        out.extend(members)
        expected["joined"] += len(members)
    with open(second, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(out)
    return expected


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/slrt-bench-changes"))
    args = parser.parse_args()
    instance = args.work / "instance"
    env = instance_env(instance, SLRT_REGISTRY_COMPARE="later")
    fresh_instance(instance, env)
    first = synth(env, args.people, args.seed, args.work / f"extract-{args.people}-{args.seed}.csv")
    joiners = synth(env, args.people // 10, args.seed + 1000, args.work / f"joiners-{args.people}-{args.seed}.csv")
    second = args.work / f"extract-{args.people}-{args.seed}-next.csv"
    expected = second_extract(first, second, joiners, args.seed)

    import_first = run_measured([*FLASK, "registry", "import", str(first)], env)
    import_second = run_measured([*FLASK, "registry", "import", str(second)], env)
    with sqlite3.connect(instance / "slrt.db") as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM registry_imports WHERE status='done' ORDER BY id")]
    one, two = ids[-2], ids[-1]
    # The first import has nothing before it: compare it, so the second is compared with it.
    run_measured([*FLASK, "registry", "changes", str(one)], env)
    seconds, peak_kb, largest_kb, output = run_measured([*FLASK, "registry", "changes", str(two)], env)
    found = {kind: int(count.replace(",", "")) for kind, count in re.findall(r"^\s+(\w+): ([\d,]+)$", output, re.M)}
    inner = re.search(r"dalam ([\d.]+) detik", output)
    compacted = re.search(r"dihapus dalam ([\d.]+) detik", output)
    compare_seconds = float(inner.group(1)) if inner else seconds
    print(f"extracts: {args.people:,} people, then {sum(1 for _ in open(second)) - 1:,} people with known differences")
    print(f"imports: first {import_first[0]:.1f} s, second {import_second[0]:.1f} s (comparison deferred)")
    print(f"comparison (flask registry changes {two}): {compare_seconds:.1f} s in the comparison itself; "
          f"the command took {seconds:.1f} s wall, of which {compacted.group(1) if compacted else '?'} s deleting "
          f"the older versions (what every import does after its flip, deferred here with it)")
    print(f"peak memory of the command: {peak_kb / 1024:.0f} MB (PSS of the process tree), "
          f"{largest_kb / 1024:.0f} MB RSS")
    mismatches = []
    for kind in sorted(set(expected) | set(found)):
        ok = found.get(kind, 0) == expected.get(kind, 0)
        print(f"  {kind:12} expected {expected.get(kind, 0):>9,}  found {found.get(kind, 0):>9,}  {'OK' if ok else 'MISMATCH'}")
        if not ok:
            mismatches.append(kind)
    print(f"targets: comparison <60 s {'OK' if compare_seconds < 60 else 'MISSED'}; <300 MB {'OK' if peak_kb < 300 * 1024 else 'MISSED'}; "
          f"counts {'OK' if not mismatches else 'MISMATCH: ' + ', '.join(mismatches)}")


if __name__ == "__main__":
    main()
