"""How a message leaves: a `Sender` sends one short text to one address (a phone number) or raises.

Every channel has one: `LogSender` (no SMS gateway: a log line) or `HttpGatewaySender` for SMS, which posts
JSON {id, to, message} to the gateway at SLRT_SMS_GATEWAY_URL (with a bearer token if SLRT_SMS_GATEWAY_TOKEN
is set); `WhatsAppSender` (slrt.notifications.whatsapp) for WhatsApp; the SP4N-LAPOR! adapter's sender for
follow-up steps. `Senders` picks the one for a message's channel. Only the standard library is used, so a
district's server needs nothing more.

Each message carries its own idempotency key (header `Idempotency-Key` and payload field `id`), the same on
every retry, so a gateway that took a message whose answer was lost does not deliver it a second time.
"""
from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from typing import Protocol
from urllib.parse import urlsplit

from slrt.config import ConfigError

log = logging.getLogger("slrt.outbox")

# Where a plain-http gateway is tolerated: a developer's or the test suite's fake on this machine.
PLAIN_HTTP_ENVS = frozenset({"development", "test"})


class SendError(Exception):
    """The message surely did not leave: the gateway refused it, answered with an error or was unreachable."""


class SendOutcomeUnknown(SendError):
    """The request reached the gateway but no answer came back (timeout, dropped connection): the gateway
    may have taken the message. Retry with the same idempotency key; never call it failed."""


class ChannelRefused(SendError):
    """The channel will never take this message (a WhatsApp template refused, a number not on WhatsApp):
    retrying is pointless, the message goes by SMS instead."""


class Sender(Protocol):
    reaches_phone: bool  # False for a sender that only records the message (no gateway)

    def send(self, phone: str, body: str, key: str, kind: str = "") -> str | None:
        """Send `body` (a message of `kind`) to `phone` under idempotency key `key`; return the provider's
        id of the message if it gives one; raise SendError (or SendOutcomeUnknown, or ChannelRefused)."""


class Senders:
    """The sender of each channel; None where a channel is not configured."""

    def __init__(self, sms: Sender, whatsapp: Sender | None = None, lapor: Sender | None = None) -> None:
        self.by_channel = {"sms": sms, "whatsapp": whatsapp, "lapor": lapor}

    def for_channel(self, channel: str) -> Sender | None:
        return self.by_channel.get(channel or "sms")


def mask_phone(phone: str) -> str:
    """081234567890 → 0812****7890: enough to tell numbers apart in a log, not enough to call."""
    phone = phone or ""
    if len(phone) <= 6:
        return "*" * len(phone)
    return phone[:4] + "*" * (len(phone) - 8 if len(phone) > 8 else 2) + phone[-4:]


class LogSender:
    """Writes the message to the log instead of sending it (development, or no gateway yet)."""

    reaches_phone = False

    def send(self, phone: str, body: str, key: str, kind: str = "") -> None:
        # The body is the short citizen message (ticket and step), never a NIK; the number is masked.
        log.info("SMS %s to %s (%d chars): %s", key, mask_phone(phone), len(body), body)


class TrainingSender:
    """Training mode: the message is kept in the outbox as not sent; nothing reaches a gateway or a log line."""

    reaches_phone = False
    training = True

    def send(self, phone: str, body: str, key: str, kind: str = "") -> None:
        return None


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer, not a new address to post to: following it would hand the bearer token (and the
    citizen's number) to whatever host the Location names."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx code


_OPENER = urllib.request.build_opener(_RefuseRedirects)


def check_gateway_url(url: str, env: str, name: str = "SLRT_SMS_GATEWAY_URL") -> None:
    """Refuse a gateway URL that is not https, except http in development and test (local fakes)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name} must be an https:// URL with a host name")
    if parts.scheme == "http" and env not in PLAIN_HTTP_ENVS:
        raise ConfigError(f"{name} uses plain http:// while SLRT_ENV={env}: the bearer token and "
                          "the citizens' data would cross the network unencrypted; use https://")


def open_request(request: urllib.request.Request, timeout: float):
    """Open without following redirects (see _RefuseRedirects)."""
    return _OPENER.open(request, timeout=timeout)


class HttpGatewaySender:
    """POSTs {"id": key, "to": phone, "message": body} as JSON; any answer other than 2xx is a failure."""

    reaches_phone = True

    def __init__(self, url: str, token: str = "", timeout: float = 10.0, env: str = "production") -> None:
        check_gateway_url(url, env)
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, phone: str, body: str, key: str, kind: str = "") -> None:
        data = json.dumps({"id": key, "to": phone, "message": body}).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "slrt-outbox",
                   "Idempotency-Key": key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            if 300 <= error.code < 400:
                raise SendError(f"gateway answered HTTP {error.code} (a redirect; not followed)") from None
            if error.code in (408, 504):  # the gateway (or a proxy before it) gave up waiting: it may have it
                raise SendOutcomeUnknown(f"gateway answered HTTP {error.code}: outcome unknown") from None
            raise SendError(f"gateway answered HTTP {error.code}") from None
        except urllib.error.URLError as error:
            # urllib raises URLError only while connecting and writing the request: the gateway never got it.
            raise SendError(f"gateway unreachable: {error.reason}") from None
        except (TimeoutError, http.client.HTTPException, OSError) as error:
            # The request was sent; the answer did not come (timeout, connection dropped, garbled answer).
            raise SendOutcomeUnknown(f"no answer from the gateway ({type(error).__name__}): outcome unknown") \
                from None
        if not 200 <= status < 300:
            raise SendError(f"gateway answered HTTP {status}")


def _config(app, name: str, default: str = "") -> str:
    """The app's configuration (slrt.config.Config reads the environment once, at start-up)."""
    value = app.config.get(name)
    return str(value) if value not in (None, "") else default


def gateway_url(app) -> str:
    return _config(app, "SLRT_SMS_GATEWAY_URL")


def check_gateway_config(app) -> None:
    """At start-up: a configured gateway must be usable here (https outside development and test)."""
    url = gateway_url(app)
    if url:
        check_gateway_url(url, app.config.get("SLRT_ENV", "production"))


def sender_for(app) -> Sender:
    """The gateway sender when SLRT_SMS_GATEWAY_URL is set, else the log sender; in training mode, whatever is
    set, the training sender (no SMS leaves during a role play)."""
    if app.config.get("TRAINING"):
        return TrainingSender()
    custom = app.config.get("SLRT_SMS_SENDER")  # an object with .send (tests, or a district's own)
    if custom is not None:
        return custom
    url = gateway_url(app)
    if not url:
        return LogSender()
    return HttpGatewaySender(url, _config(app, "SLRT_SMS_GATEWAY_TOKEN"),
                             float(_config(app, "SLRT_SMS_GATEWAY_TIMEOUT", "10")),
                             env=app.config.get("SLRT_ENV", "production"))
