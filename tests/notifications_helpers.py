"""A fake SMS gateway: http.server on 127.0.0.1 in a thread, scripted answers, recorded requests."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGateway:
    def __init__(self, token: str = "", statuses=(), delay: float = 0.0) -> None:
        self.token = token
        self.statuses = list(statuses)  # answers in order; 200 once they run out
        self.delay = delay
        self.received: list[dict] = []
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                if gateway.delay:
                    time.sleep(gateway.delay)
                if gateway.token and self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    status = 401
                else:
                    with gateway.lock:
                        status = gateway.statuses.pop(0) if gateway.statuses else 200
                with gateway.lock:
                    gateway.received.append({"payload": payload, "status": status,
                                             "content_type": self.headers.get("Content-Type")})
                body = json.dumps({"ok": 200 <= status < 300}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def delivered(self) -> list[dict]:
        with self.lock:
            return [r["payload"] for r in self.received if 200 <= r["status"] < 300]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
