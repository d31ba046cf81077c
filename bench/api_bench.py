"""The API under a district's load: N cases (default 100,000) with referrals, filled as
bench/reports_bench.py fills them (deterministic, seed 42), then p50/p95 of a status read by ticket and of
a changes-since page (100 cases), each as an API client calls them (bearer token, rate limit, audit row).

    .venv/bin/python bench/api_bench.py                                   # SQLite file /tmp/slrt-api-bench.db
    .venv/bin/python bench/api_bench.py --cases 100000 --database-url mysql+pymysql://root@127.0.0.1:3306/t_api_bench
    SLRT_BENCH_DATABASE_URL=mysql+pymysql://… .venv/bin/python bench/api_bench.py  # the same, from the environment
    .venv/bin/python bench/api_bench.py --reuse                           # time again without refilling
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, update  # noqa: E402

from bench.reports_bench import fill, percentile, reset_schema  # noqa: E402
from slrt import create_app  # noqa: E402
from slrt.config import TestConfig  # noqa: E402
from slrt.extensions import db  # noqa: E402


def prepare(app, n_tickets: int = 300) -> tuple[str, list[str], list[str]]:
    """A client with every office permission; real tickets on some cases; cursors spread over the feed."""
    from datetime import timedelta

    from slrt.api import changes, operations
    from slrt.auth.models import User
    from slrt.cases.models import Case
    from slrt.cases.tickets import new_ticket
    from slrt.core.time import utcnow
    with app.test_request_context():
        admin = db.session.scalar(select(User).where(User.username == "supervisor"))
        _client, token = operations.create_client(operations.ClientData(
            name=f"Bench {utcnow():%H%M%S}", region_code="32.04", permissions=["read_status", "read_aggregates"],
            expires_at=utcnow() + timedelta(days=1), rate_per_minute=100_000), admin)
        total = db.session.scalar(select(func.count()).select_from(Case))
        rng = random.Random(7)
        tickets = []
        for case_id in rng.sample(range(1, total + 1), min(n_tickets, total)):
            ticket = new_ticket()
            db.session.execute(update(Case).where(Case.id == case_id).values(ticket=ticket)
                               .execution_options(synchronize_session=False))
            tickets.append(ticket)
        db.session.commit()
        rows = db.session.execute(select(Case.updated_at, Case.id).order_by(Case.updated_at, Case.id)
                                  .offset(total // 2).limit(1)).all()
        cursors = [""] + [changes.encode("case", moment, row_id) for moment, row_id in rows]
    return token, tickets, cursors


def timed(client, url: str, headers: dict, **kwargs) -> float:
    began = time.perf_counter()
    response = client.get(url, headers=headers, **kwargs)
    assert response.status_code == 200, (url, response.status_code, response.data[:300])
    return (time.perf_counter() - began) * 1000


def report(name: str, wall: list[float]) -> None:
    print(f"  {name:<40} n {len(wall):4d}  p50 {statistics.median(wall):7.1f} ms  p95 {percentile(wall, 95):7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database-url", "--url", dest="url",
                        default=os.environ.get("SLRT_BENCH_DATABASE_URL") or "sqlite:////tmp/slrt-api-bench.db",
                        help="SQLAlchemy URL (MariaDB: mysql+pymysql://…); default $SLRT_BENCH_DATABASE_URL or a "
                             "SQLite file")
    parser.add_argument("--reuse", action="store_true", help="keep the filled database, only time")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    config = TestConfig(args.url)
    config.TESTING = False
    config.SLRT_STATUS_LIMIT = "100000 per minute"
    app = create_app(config)
    if not args.reuse:
        if args.url.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):
                Path(args.url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
        reset_schema(app)
        fill(app, args.cases)
    token, tickets, cursors = prepare(app)
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
    client = app.test_client()
    print(f"database: {args.url.split('@')[-1]}  cases: {args.cases:,}  repeat: {args.repeat}  "
          f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    client.get(f"/api/v1/status/{tickets[0]}", headers=headers)  # warm-up
    report("status by ticket", [timed(client, f"/api/v1/status/{tickets[i % len(tickets)]}", headers)
                                for i in range(args.repeat)])
    # the feed from the start, page after page, as a new subscriber reads it
    wall, cursor = [], ""
    for _ in range(max(20, args.repeat // 4)):
        began = time.perf_counter()
        response = client.get("/api/v1/cases/changes", query_string={"cursor": cursor, "limit": 100},
                              headers=headers)
        wall.append((time.perf_counter() - began) * 1000)
        data = response.data
        body = json.loads(gzip.decompress(data) if response.headers.get("Content-Encoding") == "gzip" else data)
        cursor = body["next_cursor"]
    report("changes page (100), from the start", wall)
    report("changes page (100), from the middle",
           [timed(client, "/api/v1/cases/changes", headers, query_string={"cursor": cursors[-1], "limit": 100})
            for _ in range(max(20, args.repeat // 4))])


if __name__ == "__main__":
    main()
