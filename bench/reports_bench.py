"""Fill a database with N cases (default 1,000,000) over three years and the district's villages, with
complaints, needs and referrals (deterministic: seed 42), then time the dashboard and the monthly report
through the Flask test client and print p50/p95 and a digest of the figures (equal digests = equal figures
on SQLite and MariaDB for the same N).

    .venv/bin/python bench/reports_bench.py                       # SQLite file /tmp/slrt-bench.db, 1M cases
    .venv/bin/python bench/reports_bench.py --cases 100000 --url mysql+pymysql://root@127.0.0.1:3306/test_h5
    .venv/bin/python bench/reports_bench.py --reuse               # time again without refilling
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import inspect, select, text  # noqa: E402

from slrt import create_app  # noqa: E402
from slrt.config import TestConfig  # noqa: E402
from slrt.extensions import db  # noqa: E402

DISTRICT = "32.04"
PASSWORD = "tumpukan-laporan-uji"  # meets the password rules (no part of the names)
STATUSES_OLD = ["closed"] * 8 + ["in_progress", "registered"]
VISITS = ["question", "suggestion", "grievance", "service_request", "service_request"]


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[max(0, int(round(pct / 100 * len(ordered) + 0.4999)) - 1)]


def reset_schema(app) -> None:
    from flask_migrate import upgrade
    with app.app_context():
        if db.engine.dialect.name == "mysql":
            db.session.execute(text("SET FOREIGN_KEY_CHECKS=0"))
            for table in inspect(db.engine).get_table_names():
                db.session.execute(text(f"DROP TABLE IF EXISTS `{table}`"))
            db.session.execute(text("SET FOREIGN_KEY_CHECKS=1"))
            db.session.commit()
        upgrade()
        from slrt.admin.reference import load_reference_data
        from slrt.regions.operations import load_regions
        load_regions()
        load_reference_data()
        db.session.commit()


def fill(app, n_cases: int, seed: int = 42) -> None:
    from slrt.admin.models import Agency, ComplaintCategory, Programme
    from slrt.auth.operations import create_user
    from slrt.core.time import local_today
    rng = random.Random(seed)
    with app.app_context():
        officers = [create_user(username=f"petugas{i}", full_name=f"Petugas Bench {i}", role="back_office",
                                region_code=DISTRICT, password=PASSWORD).id for i in range(8)]
        create_user(username="supervisor", full_name="Supervisor Bench", role="supervisor", region_code=DISTRICT,
                    password=PASSWORD)
        create_user(username="provinsi", full_name="Petugas Provinsi", role="provincial_officer", region_code="32",
                    password=PASSWORD)
        db.session.commit()
        villages = list(db.session.scalars(text(
            "SELECT code FROM regions WHERE level = 4 AND code > :a AND code < :b ORDER BY code"),
            {"a": DISTRICT + ".", "b": DISTRICT + "/"}))
        categories = list(db.session.scalars(select(ComplaintCategory.id)))
        programmes = [(p.id, p.agency_id) for p in db.session.scalars(select(Programme))]
        agencies = list(db.session.scalars(select(Agency.id)))
        today = local_today()
        start = datetime.combine(today - timedelta(days=3 * 365), datetime.min.time())
        span = (datetime.combine(today, datetime.min.time()) - start).total_seconds()
        dialect = db.engine.dialect.name
        raw = db.engine.raw_connection()
        cursor = raw.cursor()
        mark = "?" if dialect == "sqlite" else "%s"
        if dialect == "sqlite":
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("BEGIN")
        else:
            cursor.execute("SET FOREIGN_KEY_CHECKS=0")
            cursor.execute("SET UNIQUE_CHECKS=0")

        def insert(table, columns, rows):
            if rows:
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                   f"({', '.join([mark] * len(columns))})", rows)

        now = datetime.combine(today, datetime.min.time())  # not the wall clock: the same data all day
        batch = 20_000
        referral_id = 0
        began = time.perf_counter()
        for first in range(1, n_cases + 1, batch):
            people, cases, complaints, needs, referrals = [], [], [], [], []
            # Registered in time order, as a real office registers them (ids grow with the date).
            size = min(first + batch, n_cases + 1) - first
            moments = sorted(rng.random() for _ in range(size))
            for i in range(first, min(first + batch, n_cases + 1)):
                desa = villages[rng.randrange(len(villages))]
                created = start + timedelta(seconds=((first - 1) + moments[i - first] * size) / n_cases * span)
                age = (now - created).days
                status = rng.choice(STATUSES_OLD) if age > 30 else rng.choice(["registered", "in_progress", "closed"])
                people.append((i, f"3204{i:012d}", f"Warga {i}", "", date(1980, 1, 1), "P", "", "", "", "", "", desa,
                               created, created))
                cases.append((i, f"B{i:09d}", i, desa, DISTRICT, "counter", rng.choice(VISITS), status, "", "",
                              officers[rng.randrange(8)], officers[i % 8] if status != "registered" else None,
                              created, created, created + timedelta(days=12) if status == "closed" else None))
                for _ in range(1 + (rng.random() < 0.3)):
                    complaints.append((i, categories[rng.randrange(len(categories))], "bench"))
                for programme in {programmes[rng.randrange(len(programmes))][0] for _ in range(rng.randrange(3))}:
                    needs.append((i, programme))
                if rng.random() < 0.5:
                    referral_id += 1
                    programme, agency = programmes[rng.randrange(len(programmes))]
                    r_created = created + timedelta(hours=rng.randrange(1, 72))
                    signoff_due = (created + timedelta(days=5)).date()
                    decided = r_created + timedelta(hours=rng.randrange(2, 200)) if age > 7 or rng.random() < .5 else None
                    letter = decided.date() if decided else None
                    response_due = letter + timedelta(days=7) if letter else None
                    responded = (decided + timedelta(days=rng.randrange(0, 20))
                                 if decided and (age > 25 or rng.random() < .3) else None)
                    if responded and responded > now:
                        responded = None
                    if decided and decided > now:
                        decided, letter, response_due = None, None, None
                    if not decided:
                        status_r = rng.choice(["draft", "pending_signoff", "pending_signoff"])
                    elif rng.random() < 0.05:
                        status_r = "rejected"  # refused at sign-off: no letter, nothing to answer
                        letter, response_due, responded = None, None, None
                    elif responded:
                        status_r = "completed" if rng.random() < 0.8 else "declined"
                    else:
                        status_r = rng.choice(["approved", "accepted", "needs_documents"])
                    referrals.append((referral_id, i, agency or agencies[0], programme, status_r, "", "",
                                      officers[i % 8], r_created, decided, "", DISTRICT, letter, responded,
                                      0, "", signoff_due, response_due, r_created))
            insert("people", ["id", "nik", "name", "birth_place", "birth_date", "sex", "phone", "kk_number", "address", "rt", "rw",
                              "region_code", "created_at", "updated_at"], people)
            insert("cases", ["id", "ticket", "person_id", "region_code", "office_region_code", "channel", "visit_type",
                             "status", "documents", "note", "created_by_id", "assigned_to_id", "created_at",
                             "updated_at", "closed_at"], cases)
            insert("complaints", ["case_id", "category_id", "description"], complaints)
            insert("case_needs", ["case_id", "programme_id"], needs)
            insert("referrals", ["id", "case_id", "agency_id", "programme_id", "status", "reason", "documents",
                                 "drafted_by_id", "created_at", "decided_at", "decision_note", "district_code",
                                 "letter_date", "responded_at", "response_on_behalf", "outcome", "signoff_due",
                                 "response_due", "updated_at"], referrals)
            if first // batch % 10 == 0:
                print(f"  {min(first + batch - 1, n_cases):>9,} cases  {time.perf_counter() - began:6.1f} s",
                      flush=True)
        raw.commit()
        if dialect == "sqlite":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("SET FOREIGN_KEY_CHECKS=1")
            for table in ("cases", "complaints", "case_needs", "referrals"):
                cursor.execute(f"ANALYZE TABLE {table}")
                cursor.fetchall()
        raw.commit()
        raw.close()
        print(f"filled {n_cases:,} cases, {referral_id:,} referrals in {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        from slrt.reports.operations import summarise
        db.session.rollback()  # a fresh snapshot that sees the rows inserted on the raw connection
        counted = summarise()
        db.session.commit()
        print(f"flask reports summarise: {len(counted)} months in {time.perf_counter() - began:.1f} s")


def time_requests(client, url: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per request. The server runs in this process (SQLite too), so CPU
    time is what the request costs; wall time also counts waiting for a core other programs hold."""
    wall, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return wall, cpu


def digest(app, user_name: str, month: str) -> str:
    """The figures of the dashboard for a month, hashed (compare between databases)."""
    from werkzeug.datastructures import MultiDict
    from slrt.auth.models import User
    from slrt.reports import figures
    from slrt.reports.filters import ReportFilter
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == user_name))
        f = ReportFilter.from_args(MultiDict({"period": "month", "month": month}), user)
        d = figures.build(f, user)
        data = {"status": [(r.key, r.count) for r in d.by_status], "visit": [(r.key, r.count) for r in d.by_visit_type],
                "category": [(r.label, r.count) for r in d.by_category],
                "agency": sorted((r.label, r.count, sorted(r.cells.items())) for r in d.by_agency),
                "programme": sorted((r.label, r.count) for r in d.by_programme),
                "late": d.late, "signoff": d.signoff, "response": d.response,
                "regions": [(r.key, r.count, r.cells["referrals"], r.cells["late"]) for r in d.regions],
                "months": [(r.key, r.count) for r in d.per_month]}
    text_ = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text_.encode()).hexdigest()[:16] + f" (cases in month: {d.total}, late now: {d.late['any']})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--url", default="sqlite:////tmp/slrt-bench.db")
    parser.add_argument("--reuse", action="store_true", help="keep the filled database, only time")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    config = TestConfig(args.url)
    config.TESTING = False
    app = create_app(config)
    if not args.reuse:
        if args.url.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):
                Path(args.url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
        reset_schema(app)
        fill(app, args.cases)
    from slrt.core.time import local_today
    with app.app_context():
        today = local_today()
    last = today.replace(day=1) - timedelta(days=1)
    month = f"{last:%Y-%m}"
    client = app.test_client()
    response = client.post("/masuk", data={"username": "supervisor", "password": PASSWORD})
    assert response.status_code == 303, response.status_code
    print(f"database: {args.url.split('@')[-1]}  cases: {args.cases:,}  repeat: {args.repeat}  "
          f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for name, url, repeat in (("dashboard (this month)", "/laporan/", args.repeat),
                              ("dashboard (last month, kecamatan)", "/laporan/?period=last_month&region=32.04.05",
                               args.repeat),
                              ("monthly report (HTML)", f"/laporan/bulanan?month={month}", max(5, args.repeat // 2)),
                              ("monthly report (PDF)", f"/laporan/bulanan.pdf?month={month}", max(5, args.repeat // 2))):
        client.get(url)  # warm-up
        wall, cpu = time_requests(client, url, repeat)
        print(f"  {name:<36} wall p50 {statistics.median(wall):7.1f} ms  p95 {percentile(wall, 95):7.1f} ms"
              f"   cpu p50 {statistics.median(cpu):7.1f} ms  p95 {percentile(cpu, 95):7.1f} ms")
    print(f"  figures digest {month}: {digest(app, 'supervisor', month)}")


if __name__ == "__main__":
    main()
