"""The public status lookup against a bare Flask "hello", side by side under the same gunicorn settings.

    .venv/bin/python bench/status_vs_hello.py [--seconds 20] [--rounds 5] [--connections 16] [--workers 2]
                                              [--threads 4] [--tickets 200]

Starts the portal (a throw-away SQLite instance with --tickets registered cases) and a one-route Flask app,
each with gunicorn on 127.0.0.1, then drives each with the same client for --seconds, cut into --rounds turns
taken in alternation (status, hello, status, ...: a background job on the machine weighs on both): --connections
keep-alive connections from one asyncio process, each a phone that opened the receipt's QR code
(`GET /status?ticket=...`, `Accept-Encoding: gzip, br`) and keeps any cookie it is given. Prints
requests/s, latency and the ratio status/hello (the issue's goal: at least 30%), first for one ticket
opened again and again (the issue's measure), then for --tickets different tickets in turn: the status
page of one ticket is kept ready-made (slrt/core/page_cache.py) while its case does not move, so the
second run turns that off (SLRT_PAGE_CACHE=0): every page read, rendered and compressed, as for a day of many
citizens each checking their own ticket once.

The client shares the machine's cores with the server (2 on a district server or this one), and takes
the same share in both runs: the ratio is the figure to compare, not the absolute rates.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, fresh_instance, instance_env, percentile  # noqa: E402

HELLO_APP = textwrap.dedent('''
    from flask import Flask

    app = Flask(__name__)


    @app.get("/hello")
    def hello():
        return "hello"
''')

MAKE_CASE = textwrap.dedent('''
    from datetime import date
    from sqlalchemy import select
    from slrt import create_app
    from slrt.admin.models import ComplaintCategory
    from slrt.auth.models import User
    from slrt.extensions import db
    from slrt.intake.operations import VisitData, register_visit
    from slrt.regions.operations import children

    app = create_app()
    with app.app_context():
        clerk = db.session.scalar(select(User).where(User.username == "loket"))
        kecamatan = children(app.config["SLRT_REGION_CODE"])[0].code
        category = db.session.scalar(select(ComplaintCategory.id).where(ComplaintCategory.code == "KESEHATAN"))
        for n in range(1, TICKETS + 1):
            case = register_visit(VisitData(nik=f"320405451290{n:04d}", name="Ani Suryani",
                                            birth_date=date(1990, 12, 5), sex="P",
                                            region_code=children(kecamatan)[0].code, channel="counter",
                                            visit_type="service_request",
                                            complaints=[(category, "Kartu KIS tidak aktif saat berobat")],
                                            new_case_reason="Pengukuran: kunjungan berulang"), clerk)
            db.session.commit()
            print(case.ticket)
''')


def start(command: list[str], cwd: Path, env: dict, probe: str) -> subprocess.Popen:
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    for _ in range(150):
        try:
            urllib.request.urlopen(probe, timeout=2).read()
            return process
        except OSError:
            if process.poll() is not None:
                sys.exit(f"{' '.join(command)} exited:\n{process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    stop(process)
    sys.exit(f"{' '.join(command)} did not answer {probe}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children so far (gunicorn's master and workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                total += sum(cpu_seconds(int(child)) for child in handle.read().split())
    except (FileNotFoundError, ProcessLookupError):
        pass
    return total


def gunicorn(args, port: int, module: str) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--threads", str(args.threads),
            "--bind", f"127.0.0.1:{port}", module]


async def connection(port: int, paths: list[str], until: float, latencies: list[float], errors: list[str],
                     start: int = 0) -> None:
    """One keep-alive connection: a request, the whole answer read, the next request (the paths in turn)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    cookie = ""
    turn = start
    try:
        while time.perf_counter() < until:
            path = paths[turn % len(paths)]
            turn += 1
            request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept-Encoding: gzip, br\r\n"
                       f"User-Agent: status-vs-hello\r\n{cookie}\r\n").encode()
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = re.search(rb"\r\ncontent-length: *(\d+)", head, re.I)
            if length:
                await reader.readexactly(int(length.group(1)))
            else:  # chunked
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(str(status))
            found = re.search(rb"\r\nset-cookie: *([^;\r\n]+)", head, re.I)
            if found:
                cookie = f"Cookie: {found.group(1).decode()}\r\n"
            if re.search(rb"\r\nconnection: *close", head, re.I):
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


async def drive(port: int, paths: list[str], seconds: float, connections: int) -> tuple[float, list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    await asyncio.gather(*(connection(port, paths, started + seconds, latencies, errors, start=n * 7)
                           for n in range(connections)))
    return time.perf_counter() - started, latencies, errors


def report(name: str, elapsed: float, latencies: list[float], errors: list[str], cpu: float) -> float:
    rate = len(latencies) / elapsed
    print(f"  {name:14} {rate:8.0f} req/s  server CPU {cpu / len(latencies) * 1000:5.2f} ms/req  "
          f"p50 {statistics.median(latencies) * 1000:6.1f} ms  "
          f"p95 {percentile(latencies, 95) * 1000:6.1f} ms  requests {len(latencies)}  "
          f"not 200: {len(errors)}{' ' + ','.join(sorted(set(errors))) if errors else ''}")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20, help="per server (at most 300)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8121, help="the portal; hello gets the next port")
    parser.add_argument("--tickets", type=int, default=200,
                        help="also drive the portal with this many different tickets in turn (1: only the one)")
    parser.add_argument("--rounds", type=int, default=5, help="turns each server's --seconds are cut into")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "slrt-bench-status")
    args = parser.parse_args()
    seconds = min(args.seconds, 300)

    instance = args.work / "instance"
    env = instance_env(instance)
    fresh_instance(instance, env, seed_demo=True)
    made = subprocess.run([sys.executable, "-c", f"TICKETS = {args.tickets}\n" + MAKE_CASE], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if made.returncode != 0:
        sys.exit(made.stderr)
    tickets = made.stdout.split()[-args.tickets:]
    (args.work / "hello").mkdir(parents=True, exist_ok=True)
    (args.work / "hello" / "hello_app.py").write_text(HELLO_APP)

    rounds = max(1, args.rounds)
    print(f"gunicorn {args.workers} workers x {args.threads} threads each; {args.connections} keep-alive "
          f"connections; {seconds:.0f} s each, in {rounds} turns taken in alternation (so that what else the "
          f"machine does weighs on both alike); {os.cpu_count()} cores shared with the client")
    runs = [("status", args.port, gunicorn(args, args.port, "app:app"), ROOT, env, [f"/status?ticket={tickets[0]}"]),
            ("hello", args.port + 1, gunicorn(args, args.port + 1, "hello_app:app"), args.work / "hello",
             {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, ["/hello"])]
    if args.tickets > 1:  # every page made anew: as many citizens each opening their own ticket once
        runs.append((f"status x{args.tickets}", args.port + 2, gunicorn(args, args.port + 2, "app:app"), ROOT,
                     {**env, "SLRT_PAGE_CACHE": "0"}, [f"/status?ticket={ticket}" for ticket in tickets]))
    servers = {}
    totals = {name: [0.0, [], [], 0.0] for name, *_ in runs}  # elapsed, latencies, errors, CPU
    per_turn: dict[str, list[float]] = {name: [] for name, *_ in runs}
    try:
        for name, port, command, cwd, run_env, paths in runs:
            servers[name] = start(command, cwd, run_env, f"http://127.0.0.1:{port}{paths[0]}")
            asyncio.run(drive(port, paths, 1.0, args.connections))  # warm-up (imports, templates, pools)
        for _ in range(rounds):
            for name, port, _command, _cwd, _env, paths in runs:
                cpu_before = cpu_seconds(servers[name].pid)
                elapsed, latencies, errors = asyncio.run(drive(port, paths, seconds / rounds, args.connections))
                total = totals[name]
                total[0] += elapsed
                total[1] += latencies
                total[2] += errors
                total[3] += cpu_seconds(servers[name].pid) - cpu_before
                per_turn[name].append(len(latencies) / elapsed)
    finally:
        for server in servers.values():
            stop(server)
    results = {name: report(name, *totals[name]) for name, *_ in runs}

    def ratio(name: str) -> str:
        turns = sorted(a / b * 100 for a, b in zip(per_turn[name], per_turn["hello"]))
        return (f"{results[name] / results['hello'] * 100:.0f}% (turn by turn: lowest {turns[0]:.0f}%, "
                f"median {statistics.median(turns):.0f}%, highest {turns[-1]:.0f}%)")
    print(f"  status/hello = {ratio('status')}; goal: at least 30%")
    if args.tickets > 1:
        print(f"  status x{args.tickets}/hello = {ratio(f'status x{args.tickets}')}: {args.tickets} different tickets "
              f"in turn, nothing kept ready-made, each page read, rendered and compressed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
