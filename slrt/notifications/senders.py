"""How a message leaves: a `Sender` sends one SMS-sized text to one phone number or raises.

`LogSender` (the default) writes a log line; `HttpGatewaySender` posts JSON {to, message} to the SMS
gateway at SLRT_SMS_GATEWAY_URL (with a bearer token if SLRT_SMS_GATEWAY_TOKEN is set). Only the
standard library is used, so a district's server needs nothing more.
"""
from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from typing import Protocol

log = logging.getLogger("slrt.outbox")


class SendError(Exception):
    """The message did not leave (the gateway refused it, answered with an error or did not answer)."""


class Sender(Protocol):
    def send(self, phone: str, body: str) -> None:
        """Send `body` to `phone`; raise on failure."""


def mask_phone(phone: str) -> str:
    """081234567890 → 0812****7890: enough to tell numbers apart in a log, not enough to call."""
    phone = phone or ""
    if len(phone) <= 6:
        return "*" * len(phone)
    return phone[:4] + "*" * (len(phone) - 8 if len(phone) > 8 else 2) + phone[-4:]


class LogSender:
    """Writes the message to the log instead of sending it (development, or no gateway yet)."""

    def send(self, phone: str, body: str) -> None:
        # The body is the short citizen message (ticket and step), never a NIK; the number is masked.
        log.info("SMS to %s (%d chars): %s", mask_phone(phone), len(body), body)


class HttpGatewaySender:
    """POSTs {"to": phone, "message": body} as JSON; any answer other than 2xx is a failure."""

    def __init__(self, url: str, token: str = "", timeout: float = 10.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("SLRT_SMS_GATEWAY_URL must be an http(s) URL")
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, phone: str, body: str) -> None:
        data = json.dumps({"to": phone, "message": body}).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "slrt-outbox"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (http(s) only)
                status = response.status
        except urllib.error.HTTPError as error:
            raise SendError(f"gateway answered HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SendError(f"gateway unreachable: {reason}") from None
        if not 200 <= status < 300:
            raise SendError(f"gateway answered HTTP {status}")


def _config(app, name: str, default: str = "") -> str:
    value = app.config.get(name)
    return str(value) if value not in (None, "") else os.environ.get(name, default)


def sender_for(app) -> Sender:
    """The gateway sender when SLRT_SMS_GATEWAY_URL is set, else the log sender."""
    custom = app.config.get("SLRT_SMS_SENDER")  # an object with .send (tests, or a district's own)
    if custom is not None:
        return custom
    url = _config(app, "SLRT_SMS_GATEWAY_URL")
    if not url:
        return LogSender()
    return HttpGatewaySender(url, _config(app, "SLRT_SMS_GATEWAY_TOKEN"),
                             float(_config(app, "SLRT_SMS_GATEWAY_TIMEOUT", "10")))
