"""Worker memory over many requests: does a gunicorn worker's RSS level off, or does it leak?

    .venv/bin/python bench/worker_memory.py [--requests 50000] [--every 5000] [--connections 8]

Starts the portal under gunicorn as `make run` does (2 workers x 4 threads) on a throw-away SQLite
instance with one registered case, then sends --requests requests over keep-alive connections, a mix of
what a district office sends: the public status lookup (60%), a logged-in clerk's case list and today's
queue (25%), the login page (5%) and static files (10%). Every --every requests it prints each worker's
RSS (VmRSS) and the growth since the first reading. Bounded: it stops after --requests or --max-seconds.
"""
from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import random
import re
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, fresh_instance, instance_env  # noqa: E402
from status_vs_hello import MAKE_CASE, start, stop  # noqa: E402

import subprocess  # noqa: E402


def workers(master: int) -> list[int]:
    pids = []
    for task in Path(f"/proc/{master}/task").iterdir():
        pids += [int(p) for p in (task / "children").read_text().split()]
    return sorted(pids)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:")) / 1024


def login_cookie(base: str, username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base + "/masuk", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": password}).encode()
    opener.open(urllib.request.Request(base + "/masuk", data=body), timeout=30).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


class Load:
    def __init__(self, port: int, ticket: str, staff_cookie: str, total: int, until: float):
        self.port, self.ticket, self.staff_cookie = port, ticket, staff_cookie
        self.total, self.until, self.sent = total, until, 0
        self.errors: dict[int, int] = {}
        self.rng = random.Random(5)

    def next_request(self) -> tuple[str, str]:
        roll = self.rng.random()
        if roll < 0.60:
            return f"/status?ticket={self.ticket}", ""
        if roll < 0.85:
            return self.rng.choice(["/kasus/", "/kasus/hari-ini"]), self.staff_cookie
        if roll < 0.90:
            return "/masuk", ""
        return self.rng.choice(["/static/css/slrt.css", "/static/js/slrt.js", "/static/favicon.svg"]), ""

    async def connection(self, on_progress) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        visitor_cookie = ""
        try:
            while self.sent < self.total and time.monotonic() < self.until:
                self.sent += 1
                path, cookie = self.next_request()
                cookie = cookie or visitor_cookie
                writer.write((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip, br\r\n"
                              + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n").encode())
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = re.search(rb"\r\ncontent-length: *(\d+)", head, re.I)
                if length:
                    await reader.readexactly(int(length.group(1)))
                elif b"chunked" in head.lower():
                    while True:
                        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                        await reader.readexactly(size + 2)
                        if size == 0:
                            break
                if status != 200:
                    self.errors[status] = self.errors.get(status, 0) + 1
                found = re.search(rb"\r\nset-cookie: *(slrt_session=[^;\r\n]+)", head, re.I)
                if found and not cookie.startswith(self.staff_cookie or "-"):
                    visitor_cookie = found.group(1).decode()
                if re.search(rb"\r\nconnection: *close", head, re.I):
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                on_progress(self.sent)
        finally:
            writer.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--every", type=int, default=5_000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=1200)
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "slrt-bench-memory")
    args = parser.parse_args()

    instance = args.work / "instance"
    env = instance_env(instance)
    fresh_instance(instance, env, seed_demo=True)
    made = subprocess.run([sys.executable, "-c", MAKE_CASE], cwd=ROOT, env=env, capture_output=True, text=True)
    if made.returncode != 0:
        sys.exit(made.stderr)
    ticket = made.stdout.split()[-1]
    base = f"http://127.0.0.1:{args.port}"
    server = start([sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--bind",
                    f"127.0.0.1:{args.port}", "app:app"], ROOT, env, base + "/status")
    try:
        staff = login_cookie(base, "loket", "demo-password-1")
        pids = workers(server.pid)
        first = {pid: rss_mb(pid) for pid in pids}
        started = time.monotonic()
        print(f"{'requests':>9} {'seconds':>8}  " + "  ".join(f"worker {pid} MB (+grown)" for pid in pids))
        print(f"{0:9d} {0:8.0f}  " + "  ".join(f"{first[pid]:10.1f} (+{0:4.1f})        " for pid in pids))
        marks = {"next": args.every}

        def on_progress(sent: int) -> None:
            if sent >= marks["next"]:
                marks["next"] += args.every
                now = {pid: rss_mb(pid) for pid in pids if Path(f"/proc/{pid}").exists()}
                print(f"{sent:9d} {time.monotonic() - started:8.0f}  " + "  ".join(
                    f"{now[pid]:10.1f} (+{now[pid] - first[pid]:4.1f})        " for pid in pids if pid in now),
                    flush=True)

        load = Load(args.port, ticket, staff, args.requests, time.monotonic() + args.max_seconds)

        async def run():
            await asyncio.gather(*(load.connection(on_progress) for _ in range(args.connections)))
        asyncio.run(run())
        if workers(server.pid) != pids:
            print("a worker was restarted during the run: its readings are not comparable")
        print(f"sent {load.sent} requests in {time.monotonic() - started:.0f} s; not 200: {load.errors or 'none'}")
    finally:
        stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
