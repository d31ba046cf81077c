"""A fake SP4N-LAPOR! integration API on 127.0.0.1, speaking the shapes the portal assumes (slrt/lapor/client.py).

It lists the complaints dispositioned to the office and not yet acknowledged, `page_size` at a time, with the
last tracking ID of a page as the cursor (stable while acknowledgements arrive). Acknowledgements and
follow-ups are recorded once per Idempotency-Key (a repeat gets 409). `fail` scripts answers: a list of HTTP
statuses taken in turn by each request (None lets the request through); `fail_pulls` the same for pulls.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "lapor-token-rahasia"


def report(tracking_id: str, desa: str, nik: str = "3204054512900001", **extra) -> dict:
    base = {"tracking_id": tracking_id, "judul": "Bantuan PKH tidak cair",
            "isi": "Sejak tiga bulan bantuan PKH keluarga kami tidak cair.", "kategori": "Sosial",
            "tanggal_disposisi": "2026-11-26T09:15:00+07:00",
            "pelapor": {"nik": nik, "nama": "Ani Suryani", "tanggal_lahir": "1990-12-05", "jenis_kelamin": "P",
                        "telepon": "081234567890"},
            "lokasi": {"kode_wilayah": desa}}
    base.update(extra)
    return base


class FakeLapor:
    def __init__(self, reports=(), page_size: int = 2, fail=(), fail_pulls=()) -> None:
        self.reports = {r.get("tracking_id", f"~{n}"): r for n, r in enumerate(reports)}  # ~: listed last
        self.page_size = page_size
        self.fail = list(fail)
        self.fail_pulls = list(fail_pulls)  # the same, for the pulls (GET) alone
        self.acks: dict[str, dict] = {}        # tracking_id -> the acknowledgement
        self.follow_ups: dict[str, list] = {}  # tracking_id -> steps
        self.keys: set[str] = set()
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status, body=None):
                data = json.dumps(body or {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _gate(self) -> int | None:
                with fake.lock:
                    fake.requests.append((self.command, self.path))
                    scripted = fake.fail.pop(0) if fake.fail else None
                    if self.command == "GET" and fake.fail_pulls:
                        scripted = fake.fail_pulls.pop(0) or scripted
                if scripted:
                    return scripted
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return 401
                return None

            def do_GET(self):  # noqa: N802
                refused = self._gate()
                if refused:
                    return self._answer(refused, {"message": "error"})
                parts = urlsplit(self.path)
                if parts.path != "/api/disposisi":
                    return self._answer(404)
                cursor = parse_qs(parts.query).get("cursor", [""])[0]
                with fake.lock:
                    waiting = sorted(t for t in fake.reports if t not in fake.acks and t > cursor)
                    page = waiting[:fake.page_size]
                    more = len(waiting) > fake.page_size
                    self._answer(200, {"data": [fake.reports[t] for t in page],
                                       "next_cursor": page[-1] if more else None})

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                refused = self._gate()
                if refused:
                    return self._answer(refused, {"message": "error"})
                path = urlsplit(self.path).path.split("/")
                key = self.headers.get("Idempotency-Key") or ""
                if len(path) != 5 or path[1:3] != ["api", "laporan"] or key != payload.get("id"):
                    return self._answer(400)
                tracking_id = unquote(path[3])
                with fake.lock:
                    if tracking_id not in fake.reports:
                        return self._answer(404)
                    if key in fake.keys:
                        return self._answer(409, {"message": "sudah tercatat"})
                    fake.keys.add(key)
                    if path[4] == "terima":
                        fake.acks[tracking_id] = payload
                    elif path[4] == "tindak-lanjut":
                        fake.follow_ups.setdefault(tracking_id, []).append(payload)
                    else:
                        fake.keys.discard(key)
                        return self._answer(404)
                self._answer(201, {"status": "ok"})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/api"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def config(self, **extra) -> dict:
        return {"SLRT_LAPOR_URL": self.url, "SLRT_LAPOR_TOKEN": TOKEN, "SLRT_LAPOR_TIMEOUT": "5", **extra}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
