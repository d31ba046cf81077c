"""The subject-access report (UU 27/2022) at district scale, through the real endpoints under gunicorn.

    .venv/bin/python bench/subject_access_bench.py [--people 2000000] [--subjects 20] [--reuse]

Loads a synthetic registry extract of --people, registers a visit for --subjects of its people, adds --audit-rows audit rows (2% of them on
the subjects), then logs in as the demo manager (supervisor) and times, per subject, the HTML report
(POST /pelindungan-data/akses-subjek) and the PDF (POST /pelindungan-data/akses-subjek/pdf). The law's
deadline is 3x24 hours; the portal's goal is under 60 s per report at 2 million registry people.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (FLASK, ROOT, Browser, Gunicorn, describe, flask, fresh_instance, instance_env,  # noqa: E402
                     run_measured, synth)


def sample_people(path: Path, count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    chosen: list[list[str]] = []
    with open(path, encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for n, row in enumerate(reader):  # reservoir sample over the whole file
            if len(chosen) < count:
                chosen.append(row)
            elif (k := rng.randrange(n + 1)) < count:
                chosen[k] = row
    return chosen


def prepare(env: dict, rows: list[list[str]], audit_rows: int, seed: int) -> None:
    """A visit for each subject and a deep audit trail (a few rows on the subjects), in-process."""
    os.environ.update(env, SLRT_OUTBOX_DISPATCH="off")  # no SMS thread writing beside the set-up
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import insert, select

    from slrt import create_app
    from slrt.admin.models import ComplaintCategory
    from slrt.audit.models import AuditLog
    from slrt.auth.models import User
    from slrt.extensions import db
    from slrt.intake.operations import VisitData, find_person, register_visit
    app = create_app()
    with app.app_context():
        clerk = db.session.scalar(select(User).where(User.username == "loket"))
        category = db.session.scalar(select(ComplaintCategory.id).order_by(ComplaintCategory.id))
        ids = []
        for row in rows:
            nik, name, born, sex, region = row[0], row[2], row[4], row[5], row[10]
            region = f"{region[:2]}.{region[2:4]}.{region[4:6]}.{region[6:]}"
            person = find_person(nik)
            if person is not None:
                ids.append(person.id)
            else:
                case = register_visit(VisitData(
                    nik=nik, name=name.title(), birth_date=date.fromisoformat(born), sex="L" if sex == "1" else "P",
                    region_code=region, channel="counter", visit_type="service_request",
                    complaints=[(category, "Kartu KIS tidak aktif")], phone="081234567890"), clerk)
                ids.append(case.person_id)
        db.session.commit()
        rng = random.Random(seed)
        people = ids or [1]
        for start in range(0, audit_rows, 10000):
            db.session.execute(insert(AuditLog), [
                {"action": rng.choice(("person.view", "person.view", "case.assigned", "report.export")),
                 "person_id": rng.choice(people) if rng.random() < 0.02 else None, "user_id": clerk.id,
                 "object_type": "Case", "object_id": "1", "note": "bench"}
                for _ in range(min(10000, audit_rows - start))])
            db.session.commit()
        print(f"prepared {len(ids)} subjects with visits, {audit_rows:,} audit rows", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2_000_000)
    parser.add_argument("--subjects", type=int, default=20)
    parser.add_argument("--audit-rows", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--port", type=int, default=8114)
    parser.add_argument("--work", type=Path, default=Path("/tmp/slrt-bench-sar"))
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
    else:
        flask(env, "db", "upgrade")
    subjects = sample_people(extract, args.subjects, args.seed)
    prepare(env, subjects, args.audit_rows, args.seed)
    server = Gunicorn(env, args.port)
    try:
        officer = Browser(server.base)
        officer.login("manajer", "demo-password-1")
        officer.get("/pelindungan-data/")
        pages, pdfs, sizes = [], [], []
        for row in subjects:
            started = time.perf_counter()
            html = officer.post("/pelindungan-data/akses-subjek", {"nik": row[0]})
            pages.append(time.perf_counter() - started)
            assert row[0] in html and "bagian-trail" in html, "the report did not come back"
            body = urllib.parse.urlencode({"csrf_token": officer.token, "nik": row[0]}).encode()
            started = time.perf_counter()
            with officer.opener.open(urllib.request.Request(server.base + "/pelindungan-data/akses-subjek/pdf",
                                                            data=body), timeout=120) as response:
                pdf = response.read()
            pdfs.append(time.perf_counter() - started)
            assert pdf.startswith(b"%PDF")
            sizes.append(len(pdf))
    finally:
        server.stop()
    print(f"registry people: {args.people:,}; audit rows added: {args.audit_rows:,}")
    print(f"subject-access page: {describe(pages)}")
    print(f"subject-access PDF:  {describe(pdfs)}  (median {sorted(sizes)[len(sizes) // 2] / 1024:.0f} KB)")
    print(f"slowest report: {max(pages + pdfs):.2f} s (goal < 60 s)")


if __name__ == "__main__":
    main()
