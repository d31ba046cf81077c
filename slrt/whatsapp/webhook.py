"""Reading WhatsApp's webhook: its signature and the messages in its payload (Cloud API shapes).

Meta signs each POST with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the
app secret>`. The payload is {"object": "whatsapp_business_account", "entry": [{"id", "changes": [{"field":
"messages", "value": {"metadata": {"display_phone_number", "phone_number_id"}, "contacts", "messages": [{"from",
"id", "timestamp", "type", "text": {"body"}}], "statuses": [...]}}]}]}. The metadata names the business number
the citizen wrote to: its digits pick the district that answers (slrt.regions.districts.district_for_whatsapp),
its id is the number the answer leaves from.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass


@dataclass
class Inbound:
    wa_id: str       # the citizen's number, international digits (62812…)
    message_id: str  # wamid…
    text: str        # the text (a button's or a list's title too); "" for media, which the portal does not keep
    to_number: str = ""     # the business number written to (metadata.display_phone_number), digits
    to_number_id: str = ""  # its Cloud API phone-number id (metadata.phone_number_id): answers leave from it


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """The header is the HMAC-SHA256 of exactly these bytes under the app secret (compared in constant time)."""
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def inbound_messages(payload) -> list[Inbound]:
    """The citizens' messages in a webhook payload; anything of another shape is skipped."""
    found = []
    if not isinstance(payload, dict):
        return found
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                continue
            to_number, to_number_id = _business_number(value.get("metadata"))
            for message in value.get("messages") or []:
                if not isinstance(message, dict):
                    continue
                sender, message_id = str(message.get("from") or ""), str(message.get("id") or "")
                if not sender.isdigit() or not 8 <= len(sender) <= 16 or not message_id:
                    continue
                found.append(Inbound(sender, message_id[:128], _text_of(message), to_number, to_number_id))
    return found


# Delivery reports whose error means WhatsApp will never deliver the message (number not on WhatsApp,
# not allowed, re-engagement window closed, template problems): the message goes by SMS instead.
UNDELIVERABLE = frozenset({131026, 131030, 131047, 131051, 132000, 132001, 132005, 132007, 132012, 132015,
                           132016, 133010})


def undeliverable(payload) -> list[tuple[str, str]]:
    """(wamid, reason) of the delivery reports saying a message of ours failed for good."""
    failed = []
    if not isinstance(payload, dict):
        return failed
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            for status in (value.get("statuses") or []) if isinstance(value, dict) else []:
                if not isinstance(status, dict) or status.get("status") != "failed" or not status.get("id"):
                    continue
                for error in status.get("errors") or []:
                    if isinstance(error, dict) and error.get("code") in UNDELIVERABLE:
                        reason = f"WhatsApp delivery report, code {error['code']}: {error.get('title') or ''}"
                        failed.append((str(status["id"])[:128], reason.strip()[:300]))
                        break
    return failed


def _business_number(metadata) -> tuple[str, str]:
    """(digits of the business number, its phone-number id) from a change's metadata; "" for anything that is
    not a plausible number or id."""
    if not isinstance(metadata, dict):
        return "", ""
    digits = "".join(ch for ch in str(metadata.get("display_phone_number") or "") if ch in "0123456789")
    number_id = str(metadata.get("phone_number_id") or "")
    return (digits if 5 <= len(digits) <= 16 else "",
            number_id if re.fullmatch(r"[0-9]{1,32}", number_id) else "")


def _text_of(message: dict) -> str:
    kind = message.get("type")
    part = message.get(kind) if isinstance(kind, str) else None
    if kind == "text" and isinstance(part, dict):
        return str(part.get("body") or "")[:4096]
    if kind == "button" and isinstance(part, dict):
        return str(part.get("text") or "")[:4096]
    if kind == "interactive" and isinstance(part, dict):
        reply = part.get("button_reply") or part.get("list_reply") or {}
        return str(reply.get("title") or "")[:4096] if isinstance(reply, dict) else ""
    return ""
