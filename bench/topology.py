"""Three app nodes behind nginx on one MariaDB, Redis for the throttles: 30 counter clerks, one node killed.

    .venv/bin/python bench/topology.py [--seconds 180] [--clerks 30] [--slow 200]

Starts on this machine a fresh MariaDB database `bench_topology` (migrated, the demo district seeded), three
gunicorn nodes (127.0.0.1:8101-8103, 1 worker x 4 threads, each with its outbox worker), and nginx (Debian's
binary, a non-daemon child with its own prefix) in front on 127.0.0.1:8100, configured like deploy/nginx.
Then --clerks counter clerks (threads, each its own source address 127.0.1.N as each counter PC has) log in,
fetch the intake form, post an intake with the form's fresh form_id, now and then post it twice (a double
click), and follow to the receipt; back-office users draft and submit referrals of those cases and a
supervisor signs them (letters get their numbers). One node is killed (SIGKILL) halfway. At the end it checks
the database and prints acknowledged / lost / duplicated intakes, letters numbered twice, the public status
lookup's throttle hammered through nginx (round-robin over the nodes), and p95 before and after the kill.

--slow N: instead of the clerks, holds N slow connections open through nginx (half-sent headers and half-sent
bodies, from other source addresses) while timing `GET /status`; prints p50/p95 (goal: < 100 ms).

Retries: nginx passes a request on to the next node only on `error timeout` (a node that refuses the
connection or never answers) and, as nginx does by default, never a POST that was already sent to a node:
such a POST may have committed before the node died. The clerk sees a 502 and presses Simpan again; the form's
one-time form_id then shows the first ticket, or carries the intake out once if the first never committed.
Adding `non_idempotent` would be safe for the intake (form_id) but not for every POST (login, lookups,
htmx rows), so the clerk's retry is the one place a POST is repeated.

Everything it starts it stops (process groups), also on Ctrl-C. The machine's 2 cores are shared with the
client and MariaDB, so the rates are modest: the counts (lost, duplicated) are the point, not the speed.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, percentile  # noqa: E402

NGINX = "/usr/sbin/nginx"
DATABASE = "bench_topology"
DATABASE_URL = f"mysql+pymysql://root@127.0.0.1:3306/{DATABASE}"
NODE_PORTS = (8101, 8102, 8103)
NGINX_PORT = 8100
PASSWORD = "Bench-topologi-2026"
STATUS_LIMIT = 12   # failed status lookups per address per 10 minutes, for the throttle check

SETUP = textwrap.dedent('''
    import json, sys
    from sqlalchemy import select
    from slrt import create_app
    from slrt.admin.models import ComplaintCategory
    from slrt.auth.operations import create_user
    from slrt.extensions import db
    from slrt.regions.operations import children

    app = create_app()
    with app.app_context():
        district = app.config["SLRT_REGION_CODE"]
        clerks = int(sys.argv[1])
        for n in range(clerks):
            create_user(username=f"loket{n:02d}", full_name=f"Petugas Loket {n}", role="front_office",
                        region_code=district, password=sys.argv[2])
        for n in range(3):
            create_user(username=f"bo{n}", full_name=f"Back Office {n}", role="back_office",
                        region_code=district, password=sys.argv[2])
        create_user(username="kabid", full_name="Kepala Bidang", role="supervisor", region_code=district,
                    password=sys.argv[2], nip="19800101 200501 1 002")
        db.session.commit()
        kecamatan = children(district)[0].code
        category = db.session.scalar(select(ComplaintCategory.id).where(ComplaintCategory.code == "KESEHATAN"))
        print(json.dumps({"kecamatan": kecamatan, "desa": children(kecamatan)[0].code, "category": category}))
''')

CHECK = textwrap.dedent('''
    import json, sys
    from sqlalchemy import func, select
    from slrt import create_app
    from slrt.cases.models import Case
    from slrt.extensions import db
    from slrt.intake.models import Person
    from slrt.referrals.models import Referral

    app = create_app()
    with app.app_context():
        niks = json.load(sys.stdin)
        rows = db.session.execute(select(Person.nik, Case.ticket).join(Case, Case.person_id == Person.id)
                                  .where(Person.nik.in_(niks))).all()
        numbers = db.session.execute(select(Referral.letter_number, func.count()).where(
            Referral.letter_number.is_not(None)).group_by(Referral.letter_number)).all()
        print(json.dumps({"cases": [list(r) for r in rows], "letters": sum(c for _, c in numbers),
                          "letters_twice": sum(1 for _, c in numbers if c > 1)}))
''')


@dataclass
class Results:
    acknowledged: dict = field(default_factory=dict)   # nik -> ticket shown on the receipt
    double_posts: int = 0
    refused: int = 0           # 5xx/connection errors the clerk answered by pressing Simpan again
    latencies: list = field(default_factory=list)      # (time, seconds) of one intake, form to receipt
    referrals_drafted: int = 0
    letters_signed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


# --- the processes -------------------------------------------------------------------------------------------

def node_env(instance: Path) -> dict:
    env = dict(os.environ, FLASK_APP="app.py", PYTHONPATH=str(ROOT), SLRT_INSTANCE_DIR=str(instance),
               DATABASE_URL=DATABASE_URL, SLRT_RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
               SLRT_RATELIMIT_KEY_PREFIX=f"bench-topology-{os.getpid()}", SLRT_PROXY_COUNT="1",
               SLRT_DEMO_PASSWORD=PASSWORD, SLRT_STATUS_LIMIT=f"{STATUS_LIMIT} per 10 minutes",
               SLRT_LOGIN_LIMIT="1000 per minute", SLRT_LOGIN_ADDRESS_LIMIT="1000 per minute",
               SLRT_LOGIN_ACCOUNT_LIMIT="1000 per minute", SLRT_NIK_CHECK_LIMIT="100000 per minute")
    return env


def run(command: list[str], env: dict, stdin: str | None = None) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, input=stdin)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.stdout


def fresh_database(env: dict, clerks: int) -> dict:
    import json
    subprocess.run(["mariadb", "-h", "127.0.0.1", "-u", "root", "-e",
                    f"DROP DATABASE IF EXISTS {DATABASE}; CREATE DATABASE {DATABASE} "
                    "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"], check=True)
    for args in (["db", "upgrade"], ["regions", "load"], ["reference", "load"], ["demo", "seed"]):
        run([sys.executable, "-m", "flask", *args], env)
    return json.loads(run([sys.executable, "-c", SETUP, str(clerks), PASSWORD], env))


def spawn(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def start_node(port: int, env: dict, logs: Path) -> list[subprocess.Popen]:
    web = spawn([sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4", "--timeout", "60",
                 "--bind", f"127.0.0.1:{port}", "--forwarded-allow-ips", "127.0.0.1", "app:app"],
                env, logs / f"node-{port}.log")
    outbox = spawn([sys.executable, "-m", "flask", "outbox", "run", "--interval", "5"], env,
                   logs / f"outbox-{port}.log")
    return [web, outbox]


def wait_for(url: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        if process.poll() is not None:
            sys.exit(f"{process.args} exited; see its log")
        time.sleep(0.2)
    sys.exit(f"{url} did not answer")


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass


def nginx_config(prefix: Path, ports=NODE_PORTS, listen=NGINX_PORT) -> str:
    """deploy/nginx/slrt.conf's proxy settings, plain HTTP, three upstream nodes, everything under `prefix`."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in ports)
    return textwrap.dedent(f"""\
        daemon off;
        master_process on;
        worker_processes 1;
        pid {prefix}/nginx.pid;
        error_log {prefix}/error.log warn;
        events {{ worker_connections 2048; }}
        http {{
            access_log off;
            client_body_temp_path {prefix}/client_body;
            proxy_temp_path {prefix}/proxy;
            fastcgi_temp_path {prefix}/fastcgi;
            uwsgi_temp_path {prefix}/uwsgi;
            scgi_temp_path {prefix}/scgi;
            limit_conn_zone $binary_remote_addr zone=slrt_per_address:10m;
            upstream slrt_portal {{
{servers}
                keepalive 16;
            }}
            server {{
                listen 127.0.0.1:{listen};
                client_max_body_size 200m;
                client_body_buffer_size 256k;
                large_client_header_buffers 4 16k;
                client_header_timeout 10s;
                client_body_timeout 30s;
                send_timeout 30s;
                keepalive_timeout 20s;
                reset_timedout_connection on;
                limit_conn slrt_per_address 30;
                limit_conn_status 429;
                location / {{
                    proxy_pass http://slrt_portal;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-For $remote_addr;
                    proxy_set_header X-Forwarded-Proto $scheme;
                    proxy_request_buffering on;
                    proxy_buffering on;
                    proxy_buffers 16 32k;
                    proxy_busy_buffers_size 64k;
                    proxy_connect_timeout 2s;
                    proxy_send_timeout 30s;
                    proxy_read_timeout 60s;
                    # A dead node's requests go to the next one, except a POST already sent (see the docstring).
                    proxy_next_upstream error timeout;
                    proxy_next_upstream_tries 3;
                    add_header X-Upstream $upstream_addr always;
                }}
            }}
        }}
        """)


def start_nginx(prefix: Path) -> subprocess.Popen:
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "nginx.conf").write_text(nginx_config(prefix))
    return subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                             "-e", str(prefix / "error.log")], stdout=subprocess.DEVNULL,
                            stderr=(prefix / "stderr.log").open("w"), start_new_session=True)


# --- the clients -----------------------------------------------------------------------------------------------

class SourceAddress(HTTPAdapter):
    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def session(base: str, address: str) -> requests.Session:
    http = requests.Session()
    http.mount("http://", SourceAddress(address))
    http.base = base
    return http


def hidden(name: str, html: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]+)"', html)
    return found.group(1) if found else ""


def login(http: requests.Session, username: str) -> None:
    page = http.get(http.base + "/masuk", timeout=30).text
    http.post(http.base + "/masuk", data={"csrf_token": hidden("csrf_token", page), "username": username,
                                          "password": PASSWORD}, timeout=30)


def nik_for(clerk: int, serial: int, kecamatan: str) -> tuple[str, str]:
    """A fresh, valid NIK of a woman of the kecamatan, and her birth date."""
    born = date(1950, 1, 1) + timedelta(days=clerk * 1500 + serial)
    # The serial 8000+clerk keeps clear of the demo district's people (0001...).
    return f"{kecamatan.replace('.', '')}{born.day + 40:02d}{born:%m%y}{8000 + clerk:04d}", born.isoformat()


def post_until_answered(http, url: str, data: dict, results: Results, deadline: float):
    """Press Simpan until the portal answers (a 502 from a dying node: press again, same form)."""
    while time.monotonic() < deadline + 60:
        try:
            response = http.post(url, data=data, allow_redirects=False, timeout=60)
            if response.status_code < 500:
                return response
        except requests.RequestException:
            pass
        with results.lock:
            results.refused += 1
        time.sleep(0.5)
    return None


def clerk(n: int, base: str, places: dict, results: Results, stop_at: float) -> None:
    http = session(base, f"127.0.1.{n + 1}")
    login(http, f"loket{n:02d}")
    serial = 0
    while time.monotonic() < stop_at:
        serial += 1
        started = time.monotonic()
        try:
            page = http.get(base + "/pendaftaran/baru", timeout=60).text
        except requests.RequestException:
            continue
        nik, born = nik_for(n, serial, places["kecamatan"])
        data = {"csrf_token": hidden("csrf_token", page), "form_id": hidden("form_id", page), "nik": nik,
                "name": f"Warga Uji {n} {serial}", "birth_place": "Bandung", "birth_date": born, "sex": "P",
                "phone": "081234567890", "address": "Kp. Cibodas", "rt": "003", "rw": "007",
                "kecamatan": places["kecamatan"], "desa": places["desa"], "channel": "counter",
                "visit_type": "service_request", "complaints-0-category": str(places["category"]),
                "complaints-0-description": "Kartu KIS tidak aktif saat berobat", "confirm_warnings": "y"}
        twice = random.random() < 0.1
        response = post_until_answered(http, base + "/pendaftaran/baru", data, results, stop_at)
        if twice:
            response = post_until_answered(http, base + "/pendaftaran/baru", data, results, stop_at)
        if response is None or response.status_code != 303:
            continue
        try:
            receipt = http.get(base + response.headers["Location"], timeout=60).text
        except requests.RequestException:
            continue
        ticket = re.search(r"\b[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}\b", receipt)
        if ticket:
            with results.lock:
                results.acknowledged[nik] = ticket.group(0)
                results.double_posts += twice
                results.latencies.append((time.monotonic(), time.monotonic() - started))


def post_form(http, page: str, action: str, data: dict | None = None, url: str = "") -> bool:
    """Post the page's form whose action ends in `action` (or the page's only form, to `url`) with its one-time
    form id: True when carried out."""
    found = re.search(rf'action="([^"]*{action})"[\s\S]*?name="form_id"[^>]*value="([^"]+)"', page)
    if url:
        found = (None, url, hidden("form_id", page))
    if not found:
        return False
    response = http.post(http.base + found[1], allow_redirects=False, timeout=60, data={
        "csrf_token": hidden("csrf_token", page), "form_id": found[2], **(data or {})})
    return response.status_code == 303


def back_office(n: int, base: str, results: Results, stop_at: float) -> None:
    """Takes a recent case, drafts a referral of it and submits the draft for sign-off."""
    http = session(base, f"127.0.2.{n + 1}")
    login(http, f"bo{n}")
    while time.monotonic() < stop_at:
        time.sleep(2)
        try:
            listing = http.get(base + "/kasus/?status=registered", timeout=60).text
            cases = re.findall(r'href="/kasus/(\d+)"', listing)
            if not cases:
                continue
            case_id = random.choice(cases[:20])
            if not post_form(http, http.get(f"{base}/kasus/{case_id}", timeout=60).text, "/ambil"):
                continue
            form = http.get(f"{base}/kasus/{case_id}/rujukan/baru", timeout=60).text
            agencies = re.findall(r'<option value="(\d+)"', form.split('name="agency"', 1)[-1].split("</select>")[0])
            if not agencies or not post_form(http, form, "", {"agency": agencies[0], "reason": "Perlu layanan"},
                                             url=f"/kasus/{case_id}/rujukan/baru"):
                continue
            page = http.get(f"{base}/kasus/{case_id}", timeout=60).text
            referral = re.search(r'href="/rujukan/(\d+)"', page)
            if referral and post_form(http, http.get(f"{base}/rujukan/{referral.group(1)}", timeout=60).text,
                                      "/ajukan"):
                with results.lock:
                    results.referrals_drafted += 1
        except requests.RequestException:
            continue


def supervisor(base: str, results: Results, stop_at: float) -> None:
    """Signs every referral waiting in the sign-off queue: each gets its letter number."""
    http = session(base, "127.0.3.1")
    login(http, "kabid")
    while time.monotonic() < stop_at + 10:
        time.sleep(3)
        try:
            queue = http.get(base + "/rujukan/penetapan", timeout=60).text
            for referral_id in dict.fromkeys(re.findall(r'href="/rujukan/(\d+)"', queue)):
                page = http.get(f"{base}/rujukan/{referral_id}", timeout=60).text
                if post_form(http, page, "/putuskan", {"decision": "approved"}):
                    with results.lock:
                        results.letters_signed += 1
        except requests.RequestException:
            continue


def hammer_status(base: str, tries: int) -> tuple[int, dict]:
    """Failed status lookups (tickets that do not exist) through nginx until refused: how many were answered,
    and by which nodes."""
    sys.path.insert(0, str(ROOT))
    from slrt.cases.tickets import new_ticket
    http = session(base, "127.0.4.1")
    answered, nodes = 0, {}
    for _ in range(tries):
        response = http.get(base + "/status", params={"ticket": new_ticket()}, timeout=30)
        upstream = response.headers.get("X-Upstream", "?")
        nodes[upstream] = nodes.get(upstream, 0) + 1
        if response.status_code == 429:
            break
        answered += 1
    return answered, nodes


class DatabaseLoad:
    """MariaDB's CPU seconds (the server process, when it runs on this machine) and its peak connections."""

    def __init__(self):
        self.pid = subprocess.run(["pidof", "mariadbd"], capture_output=True, text=True).stdout.split()[:1]
        self.cpu_start, self.started = self.cpu(), time.monotonic()
        self.peak_connections = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample)
        self.thread.start()

    def cpu(self) -> float:
        if not self.pid:
            return 0.0
        with open(f"/proc/{self.pid[0]}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def sample(self) -> None:
        while not self.done.wait(2):
            out = subprocess.run(["mariadb", "-h", "127.0.0.1", "-u", "root", "-N", "-e",
                                  "SHOW GLOBAL STATUS LIKE 'Threads_connected'"], capture_output=True, text=True)
            if out.stdout.split():
                self.peak_connections = max(self.peak_connections, int(out.stdout.split()[-1]))

    def stop(self) -> str:
        self.done.set()
        self.thread.join()
        seconds = time.monotonic() - self.started
        return (f"MariaDB CPU {(self.cpu() - self.cpu_start) / seconds * 100:.0f}% of one core over {seconds:.0f} s, "
                f"peak connections {self.peak_connections}")


# --- slow clients ------------------------------------------------------------------------------------------------

def slow_connections(count: int, stop: threading.Event) -> None:
    """Holds `count` sockets open through nginx, half of them stuck in their headers, half in their body, from
    other addresses than the timed requests; reopens the ones nginx closes."""
    def open_one(i: int) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", NGINX_PORT), timeout=5,
                                        source_address=(f"127.0.{10 + i // 200}.{i % 200 + 1}", 0))
        if i % 2:
            sock.sendall(b"GET /status HTTP/1.1\r\nHost: slrt\r\nX-a: ")
        else:
            sock.sendall(b"POST /status HTTP/1.1\r\nHost: slrt\r\nContent-Type: application/x-www-form-urlencoded"
                         b"\r\nContent-Length: 100000\r\n\r\nticket=")
        return sock
    sockets = {}
    while not stop.is_set():
        for i in range(count):
            sock = sockets.get(i)
            try:
                if sock is None:
                    sockets[i] = open_one(i)
                else:
                    sock.sendall(b"a")
            except OSError:
                sockets.pop(i, None)
        stop.wait(1)
    for sock in sockets.values():
        sock.close()


def time_status(base: str, seconds: float) -> list[float]:
    http = session(base, "127.0.0.1")
    timings = []
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        started = time.perf_counter()
        http.get(base + "/status", timeout=30).raise_for_status()
        timings.append(time.perf_counter() - started)
        time.sleep(0.05)
    return timings


# --- the run -------------------------------------------------------------------------------------------------------

def clerks_run(base: str, places: dict, args, nodes: list, env: dict) -> None:
    import json
    results = Results()
    stop_at = time.monotonic() + args.seconds
    threads = [threading.Thread(target=clerk, args=(n, base, places, results, stop_at)) for n in range(args.clerks)]
    threads += [threading.Thread(target=back_office, args=(n, base, results, stop_at)) for n in range(3)]
    threads.append(threading.Thread(target=supervisor, args=(base, results, stop_at)))
    database = DatabaseLoad()
    for thread in threads:
        thread.start()
    time.sleep(args.seconds / 2)
    killed_at = time.monotonic()
    for process in nodes[1]:
        stop(process, signal.SIGKILL)
    for thread in threads:
        thread.join()
    database_load = database.stop()
    answered, by_node = hammer_status(base, STATUS_LIMIT * 3 + 5)

    found = json.loads(run([sys.executable, "-c", CHECK], env, stdin=json.dumps(list(results.acknowledged))))
    tickets_by_nik: dict[str, list[str]] = {}
    for nik, ticket in found["cases"]:
        tickets_by_nik.setdefault(nik, []).append(ticket)
    lost = sum(1 for nik, ticket in results.acknowledged.items() if ticket not in tickets_by_nik.get(nik, []))
    duplicated = sum(1 for tickets in tickets_by_nik.values() if len(tickets) > 1)
    before = [s for t, s in results.latencies if t < killed_at]
    after = [s for t, s in results.latencies if t >= killed_at]
    print(f"clerks {args.clerks}, {args.seconds} s, node 127.0.0.1:{NODE_PORTS[1]} killed (SIGKILL) at "
          f"{args.seconds / 2:.0f} s")
    print(f"acknowledged intakes   {len(results.acknowledged)} ({len(results.acknowledged) / args.seconds:.1f}/s; "
          f"{results.double_posts} of them posted twice)")
    print(f"lost                   {lost}")
    print(f"duplicated             {duplicated}")
    print(f"retried by the clerk   {results.refused} (5xx or no answer, pressed Simpan again)")
    print(f"referrals submitted    {results.referrals_drafted}, signed {results.letters_signed}, "
          f"letters numbered {found['letters']}, numbered twice {found['letters_twice']}")
    print(f"status throttle        limit {STATUS_LIMIT} per address: {answered} answered before 429, "
          f"by nodes {by_node}")
    print(f"database               {database_load}")
    for label, values in (("before the kill", before), ("after the kill", after)):
        if values:
            print(f"intake p95 {label:16s} {percentile(values, 95) * 1000:.0f} ms "
                  f"(p50 {percentile(values, 50) * 1000:.0f} ms, n={len(values)})")


def slow_run(base: str, count: int) -> None:
    stop_event = threading.Event()
    holder = threading.Thread(target=slow_connections, args=(count, stop_event))
    holder.start()
    try:
        time.sleep(3)
        timings = time_status(base, 20)
    finally:
        stop_event.set()
        holder.join()
    print(f"{count} slow connections held through nginx; GET /status n={len(timings)} "
          f"p50 {percentile(timings, 50) * 1000:.1f} ms p95 {percentile(timings, 95) * 1000:.1f} ms "
          f"max {max(timings) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--clerks", type=int, default=30)
    parser.add_argument("--slow", type=int, default=0, help="hold this many slow connections instead")
    args = parser.parse_args()
    if not Path(NGINX).exists():
        sys.exit(f"{NGINX} is missing")
    work = Path(tempfile.mkdtemp(prefix="slrt-topology-"))
    env = node_env(work / "instance")
    (work / "instance").mkdir()
    started: list[subprocess.Popen] = []
    try:
        places = fresh_database(env, args.clerks)
        nodes = [start_node(port, env, work) for port in NODE_PORTS]
        started += [p for node in nodes for p in node]
        for port, node in zip(NODE_PORTS, nodes):
            wait_for(f"http://127.0.0.1:{port}/status", node[0])
        proxy = start_nginx(work / "nginx")
        started.append(proxy)
        base = f"http://127.0.0.1:{NGINX_PORT}"
        wait_for(base + "/status", proxy)
        if args.slow:
            slow_run(base, args.slow)
        else:
            clerks_run(base, places, args, nodes, env)
    finally:
        for process in reversed(started):
            stop(process)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
