"""A fake WhatsApp Business Cloud API on 127.0.0.1: the documented request, answer and error shapes.

POST /{version}/{phone-number-id}/messages with `Authorization: Bearer <token>`. A template the fake does
not know is refused with code 132001 (template does not exist), a number in `not_on_whatsapp` with 131026
(message undeliverable), a wrong token with 190; `delay` answers late (a client timeout); `statuses` forces
HTTP answers in order (e.g. 503 with code 131016). Accepted messages get a wamid.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION = "v21.0"
NUMBER_ID = "1234567890"


def graph_error(code: int, message: str, details: str = "") -> dict:
    return {"error": {"message": message, "type": "OAuthException", "code": code,
                      "error_data": {"messaging_product": "whatsapp", "details": details},
                      "fbtrace_id": "AbCdEf123"}}


class FakeWhatsApp:
    def __init__(self, token: str = "wa-token-rahasia", templates=("slrt_pemberitahuan",),
                 not_on_whatsapp=(), delay: float = 0.0, statuses=(), number_ids=(NUMBER_ID,)) -> None:
        self.token = token
        self.number_ids = set(number_ids)  # the business numbers (phone-number ids) the token may send from
        self.templates = set(templates)
        self.not_on_whatsapp = set(not_on_whatsapp)
        self.delay = delay
        self.statuses = list(statuses)
        self.received: list[dict] = []
        self.accepted: list[dict] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                with fake.lock:
                    fake.received.append({"path": self.path, "payload": payload,
                                          "authorization": self.headers.get("Authorization"),
                                          "key": self.headers.get("Idempotency-Key")})
                status, body = fake.answer(self.path, payload, self.headers)
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, path: str, payload: dict, headers) -> tuple[int, dict]:
        if self.delay:
            time.sleep(self.delay)
        if path not in {f"/{VERSION}/{number_id}/messages" for number_id in self.number_ids}:
            return 400, graph_error(100, "Unsupported post request.")
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, graph_error(190, "Error validating access token: Session has expired.")
        with self.lock:
            if self.statuses:
                status = self.statuses.pop(0)
                return status, graph_error(131016, "Service unavailable", "A service is temporarily unavailable.")
        if payload.get("messaging_product") != "whatsapp" or payload.get("type") not in ("template", "text"):
            return 400, graph_error(100, "Invalid parameter")
        if payload["type"] == "template" and payload["template"]["name"] not in self.templates:
            return 404, graph_error(132001, "(#132001) Template name does not exist in the translation",
                                    "template name (%s) does not exist in id" % payload["template"]["name"])
        if payload["to"] in self.not_on_whatsapp:
            return 400, graph_error(131026, "Message undeliverable.", "Unable to deliver message.")
        with self.lock:
            wamid = f"wamid.TEST{len(self.accepted) + 1:06d}"
            self.accepted.append({**payload, "id": wamid})
        return 200, {"messaging_product": "whatsapp", "contacts": [{"input": payload["to"], "wa_id": payload["to"]}],
                     "messages": [{"id": wamid}]}

    def config(self, **extra) -> dict:
        """The app configuration that points the portal at this fake."""
        return {"SLRT_WA_API_URL": self.url, "SLRT_WA_API_VERSION": VERSION, "SLRT_WA_PHONE_NUMBER_ID": NUMBER_ID,
                "SLRT_WA_TOKEN": self.token, "SLRT_WA_TIMEOUT": "5", **extra}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
