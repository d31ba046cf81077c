"""Fake SMS gateways: http.server on 127.0.0.1 in a thread, recorded requests.

`FakeGateway` answers as scripted. `FlakyGateway` behaves like the gateways seen in the field: it refuses at
random, sometimes takes the message and answers only after the client has given up, and (like a gateway that
honours idempotency keys) delivers a message once however often its key comes back. Its `phones` is what the
citizens' phones received.
"""
from __future__ import annotations

import json
import random
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server:
    def __init__(self) -> None:
        self.received: list[dict] = []
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                record = {"payload": payload, "status": None, "path": self.path,
                          "content_type": self.headers.get("Content-Type"),
                          "key": self.headers.get("Idempotency-Key"),
                          "authorization": self.headers.get("Authorization")}
                with gateway.lock:
                    gateway.received.append(record)  # on arrival, so a client that gives up still sees it
                status, headers = gateway.answer(payload, self.headers)
                record["status"] = status
                body = json.dumps({"ok": 200 <= status < 300}).encode()
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout)

            do_GET = do_POST  # noqa: N815 (a client that follows a redirect turns POST into GET)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, payload: dict, headers) -> tuple[int, dict]:
        raise NotImplementedError

    @property
    def delivered(self) -> list[dict]:
        with self.lock:
            return [r["payload"] for r in self.received if r["status"] and 200 <= r["status"] < 300]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class FakeGateway(_Server):
    def __init__(self, token: str = "", statuses=(), delay: float = 0.0, location: str = "") -> None:
        super().__init__()
        self.token = token
        self.statuses = list(statuses)  # answers in order; 200 once they run out
        self.delay = delay
        self.location = location  # sent with a 3xx answer

    def answer(self, payload, headers):
        if self.delay:
            time.sleep(self.delay)
        if self.token and headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {}
        with self.lock:
            status = self.statuses.pop(0) if self.statuses else 200
        return status, ({"Location": self.location} if self.location and 300 <= status < 400 else {})


class FlakyGateway(_Server):
    """Refuses `fail_rate` of the requests (500/503, nothing taken); takes `late_rate` of them and answers
    only after `late_delay` seconds (past the client's timeout); a key it has taken is never delivered again."""

    def __init__(self, fail_rate: float = 0.35, late_rate: float = 0.2, late_delay: float = 0.3,
                 seed: int = 8) -> None:
        super().__init__()
        self.fail_rate, self.late_rate, self.late_delay = fail_rate, late_rate, late_delay
        self.random = random.Random(seed)
        self.taken: set[str] = set()
        self.phones: dict[str, list[str]] = defaultdict(list)  # phone -> the messages it received
        self.key_mismatches = 0

    def answer(self, payload, headers):
        key = headers.get("Idempotency-Key") or ""
        with self.lock:
            roll = self.random.random()
            if key != payload.get("id"):
                self.key_mismatches += 1
            if roll < self.fail_rate:
                return self.random.choice((500, 503)), {}
            if not key or key not in self.taken:  # no key: the gateway cannot tell a retry from a new message
                if key:
                    self.taken.add(key)
                self.phones[payload["to"]].append(payload["message"])
            late = roll < self.fail_rate + self.late_rate
        if late:
            time.sleep(self.late_delay)
        return 200, {}
