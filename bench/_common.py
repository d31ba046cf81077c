"""Shared helpers of the registry benchmarks: a throw-away instance, the portal's commands, gunicorn, HTTP."""
from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLASK = [sys.executable, "-m", "flask"]


def instance_env(instance: Path, **extra) -> dict:
    env = dict(os.environ, FLASK_APP="app.py", SLRT_INSTANCE_DIR=str(instance), PYTHONPATH=str(ROOT),
               SLRT_DEMO_PASSWORD="demo-password-1", SLRT_STATUS_LIMIT="100000 per minute",
               SLRT_STATUS_TICKET_LIMIT="100000 per minute", SLRT_LOGIN_LIMIT="1000 per minute")
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


def flask(env: dict, *args, quiet=True) -> str:
    result = subprocess.run([*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def fresh_instance(instance: Path, env: dict, seed_demo=False) -> None:
    instance.mkdir(parents=True, exist_ok=True)
    for name in ("slrt.db", "slrt.db-wal", "slrt.db-shm"):
        (instance / name).unlink(missing_ok=True)
    flask(env, "db", "upgrade")
    flask(env, "regions", "load")
    if seed_demo:
        flask(env, "reference", "load")
        flask(env, "demo", "seed", "--if-new")


def synth(env: dict, people: int, seed: int, path: Path) -> Path:
    if not path.exists():
        flask(env, "dev", "synth", "--people", str(people), "--seed", str(seed), "--out", str(path))
    return path


def rss_kb(pid: int) -> int:
    """Memory of a process and all its descendants: the sum of their PSS (pages shared after a fork
    counted once, split between the sharers), so a forked helper is not counted twice."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            total += next(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                total += sum(rss_kb(int(child)) for child in handle.read().split())
    except (FileNotFoundError, ProcessLookupError, StopIteration, PermissionError):
        pass
    return total


def run_measured(command: list[str], env: dict) -> tuple[float, int, int, str]:
    """Run a command; (seconds, peak RSS of the whole process tree in KB, of the largest process, output)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    peak = largest = 0
    while process.poll() is None:
        peak = max(peak, rss_kb(process.pid))
        largest = max(largest, _largest(process.pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    output = process.stdout.read()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{output}")
    return seconds, peak, largest, output


def _largest(pid: int) -> int:
    sizes = []

    def walk(p):
        try:
            with open(f"/proc/{p}/status") as handle:
                sizes.append(next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:")))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as handle:
                    for child in handle.read().split():
                        walk(int(child))
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            pass
    walk(pid)
    return max(sizes, default=0)


class Gunicorn:
    def __init__(self, env: dict, port: int, workers: int = 2):
        self.port = port
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", "4", "--bind",
             f"127.0.0.1:{port}", "app:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(self.base + "/status", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit("gunicorn did not start")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(20)


class Browser:
    """A logged-in HTTP client with the session cookie and CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            html = response.read().decode()
        found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
        if found:
            self.token = found.group(1)
        return html

    def post(self, path: str, data: dict, headers: dict | None = None) -> str:
        body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"X-CSRFToken": self.token,
                                                                                 **(headers or {})})
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode()

    def login(self, username: str, password: str) -> None:
        self.get("/masuk")
        self.post("/masuk", {"username": username, "password": password})
        self.get("/registri/")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def describe(values: list[float]) -> str:
    return (f"n={len(values)} p50={statistics.median(values) * 1000:.1f} ms "
            f"p95={percentile(values, 95) * 1000:.1f} ms max={max(values) * 1000:.1f} ms")
