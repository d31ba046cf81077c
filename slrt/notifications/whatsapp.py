"""The WhatsApp sender: the WhatsApp Business Cloud API, or a provider that speaks its shape.

POST {SLRT_WA_API_URL}/{version}/{phone-number-id}/messages with a bearer token and JSON:
- a notice the office starts (registered, referred, outcome, closed, ...) is a *template* message, because
  WhatsApp only lets a business start a conversation with an approved template. The template per message
  kind comes from SLRT_WA_TEMPLATES (else SLRT_WA_TEMPLATE_DEFAULT); each has one body parameter ({{1}}),
  the notice's text, so one approved template can carry every notice;
- a reply to a citizen who wrote in (kinds in SESSION_KINDS) is a plain *text* message, allowed within
  the 24 hours after the citizen's last message.
The answer is {"messaging_product": "whatsapp", "contacts": [{"input", "wa_id"}], "messages": [{"id"}]};
an error is {"error": {"message", "type", "code", "error_data": {"details"}, "fbtrace_id"}} with an HTTP
4xx/5xx status. Errors the channel will never get past (template missing, paused or refused, a number not on
WhatsApp, the 24-hour window closed, the account or token unusable) raise ChannelRefused: the outbox sends
the message by SMS instead. Throughput and temporary errors are retried; no answer is an unknown outcome.

The Cloud API has no idempotency key: the key goes along as `biz_opaque_callback_data` (echoed in delivery
reports) and as an Idempotency-Key header for providers that honour one. The token is never logged, nor
put in an error message.
"""
from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request

from slrt.notifications.senders import (ChannelRefused, SendError, SendOutcomeUnknown, check_gateway_url,
                                        open_request)

# Replies within the citizen's 24-hour window: plain text, no template.
SESSION_KINDS = frozenset({"wa_reply", "wa_auto"})

# Meta error codes worth another try on WhatsApp: throughput, temporary trouble on Meta's side.
RETRY_CODES = frozenset({1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 133004})


def wa_number(phone: str) -> str:
    """0812… or +62812… → 62812… (WhatsApp's international form, digits only)."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def local_number(wa_id: str) -> str:
    """62812… → 0812… (how the portal stores numbers, as typed at the counter)."""
    digits = "".join(ch for ch in wa_id or "" if ch.isdigit())
    return "0" + digits[2:] if digits.startswith("62") else digits


def parse_templates(text: str, default_language: str) -> dict[str, tuple[str, str]]:
    """"registered=slrt_terdaftar,closed=slrt_selesai:en" → {kind: (template, language)}."""
    templates = {}
    for part in (text or "").split(","):
        kind, _, spec = part.partition("=")
        name, _, language = spec.strip().partition(":")
        if kind.strip() and name:
            templates[kind.strip()] = (name, language or default_language)
    return templates


class WhatsAppSender:
    reaches_phone = True
    # A message may leave from another business number of the same account (`from_number_id`: the one a
    # citizen wrote to, in a database hosting several districts); the token must be allowed to use it.
    sends_from_number = True

    def __init__(self, base_url: str, version: str, phone_number_id: str, token: str, *,
                 templates: dict[str, tuple[str, str]], default_template: tuple[str, str],
                 timeout: float = 10.0, env: str = "production") -> None:
        check_gateway_url(base_url, env, "SLRT_WA_API_URL")
        self.base = f"{base_url.rstrip('/')}/{version.strip('/')}"
        self.url = self.url_from(phone_number_id)
        self.token, self.timeout = token, timeout
        self.templates, self.default_template = templates, default_template

    def url_from(self, phone_number_id: str) -> str:
        return f"{self.base}/{phone_number_id}/messages"

    def payload(self, phone: str, body: str, key: str, kind: str) -> dict:
        message = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": wa_number(phone),
                   "biz_opaque_callback_data": key}
        if kind in SESSION_KINDS:
            message.update(type="text", text={"preview_url": False, "body": body})
        else:
            name, language = self.templates.get(kind, self.default_template)
            # A template parameter may not hold line breaks or long runs of spaces.
            text = " ".join(body.split())
            message.update(type="template", template={
                "name": name, "language": {"code": language},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": text}]}]})
        return message

    def send(self, phone: str, body: str, key: str, kind: str = "", from_number_id: str = "") -> str | None:
        """Send from the configured number, or from the business number `from_number_id` (digits) if given."""
        url = self.url_from(from_number_id) if from_number_id.isdigit() and from_number_id.isascii() else self.url
        data = json.dumps(self.payload(phone, body, key, kind)).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "slrt-outbox",
                   "Authorization": f"Bearer {self.token}", "Idempotency-Key": key}
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with open_request(request, self.timeout) as response:
                answer = response.read()
        except urllib.error.HTTPError as error:
            raise _refusal(error) from None
        except urllib.error.URLError as error:
            raise SendError(f"WhatsApp API unreachable: {error.reason}") from None
        except (TimeoutError, http.client.HTTPException, OSError) as error:
            raise SendOutcomeUnknown(f"no answer from the WhatsApp API ({type(error).__name__}): outcome unknown") \
                from None
        try:
            return str(json.loads(answer)["messages"][0]["id"])[:128]
        except (ValueError, KeyError, IndexError, TypeError):
            return None  # accepted (2xx) without the usual body: sent, but no id to match reports with


def _refusal(error: urllib.error.HTTPError) -> SendError:
    """The exception for an HTTP error answer of the API (Graph API error shape)."""
    status = error.code
    if 300 <= status < 400:
        return SendError(f"WhatsApp API answered HTTP {status} (a redirect; not followed)")
    if status in (408, 504):
        return SendOutcomeUnknown(f"WhatsApp API answered HTTP {status}: outcome unknown")
    try:
        detail = json.loads(error.read() or b"{}").get("error") or {}
    except (ValueError, AttributeError, OSError):
        detail = {}
    code = detail.get("code") if isinstance(detail, dict) else None
    text = ""
    if isinstance(detail, dict):
        details = (detail.get("error_data") or {}).get("details") if isinstance(detail.get("error_data"), dict) else ""
        text = " ".join(str(part) for part in (detail.get("message") or "", details or "") if part)[:300]
    reason = f"WhatsApp API HTTP {status}" + (f", code {code}" if code is not None else "") + (f": {text}" if text else "")
    if status >= 500 or status == 429 or code in RETRY_CODES:
        return SendError(reason)
    return ChannelRefused(reason)


def whatsapp_sender_for(app) -> WhatsAppSender | None:
    """The WhatsApp sender when a phone number id and a token are configured, else None (messages go by SMS)."""
    config = app.config
    number, token = config.get("SLRT_WA_PHONE_NUMBER_ID") or "", config.get("SLRT_WA_TOKEN") or ""
    if not number or not token:
        return None
    language = config.get("SLRT_WA_TEMPLATE_LANGUAGE") or "id"
    return WhatsAppSender(config.get("SLRT_WA_API_URL") or "https://graph.facebook.com",
                          config.get("SLRT_WA_API_VERSION") or "v21.0", number, token,
                          templates=parse_templates(config.get("SLRT_WA_TEMPLATES") or "", language),
                          default_template=(config.get("SLRT_WA_TEMPLATE_DEFAULT") or "slrt_pemberitahuan", language),
                          timeout=float(config.get("SLRT_WA_TIMEOUT") or 10),
                          env=config.get("SLRT_ENV", "production"))
