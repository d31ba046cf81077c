"""The public status lookup: no login, no personal data without the birth date, and throttled failures."""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from slrt.cases.models import Case
from slrt.cases.tickets import normalize_ticket
from slrt.core import throttle
from slrt.extensions import db

_NO_DATE = date(1900, 1, 1)


@dataclass
class Lookup:
    case: Case | None
    detailed: bool  # ticket and birth date matched: show what was requested and the messages


def _checks(ticket_key: str):
    return [throttle.per_address("SLRT_STATUS_LIMIT", "status-address"),
            throttle.per_key("SLRT_STATUS_TICKET_LIMIT", "status-ticket", ticket_key)]


def throttled(ticket_key: str) -> bool:
    return throttle.blocked(_checks(ticket_key))


def count_failure(ticket_key: str) -> None:
    throttle.count_failure(_checks(ticket_key))


def look_up(typed_ticket: str, birth_date: date | None) -> Lookup | None:
    """Find the case for a ticket (and, with a birth date, check it). None means "no match", the same
    answer for an unknown ticket and a wrong birth date, after the same work."""
    ticket = normalize_ticket(typed_ticket) or "-"
    case = db.session.scalar(select(Case).where(Case.ticket == ticket))
    if birth_date is None:
        return Lookup(case, False) if case is not None else None
    known = case.person.birth_date if case is not None else _NO_DATE
    matches = hmac.compare_digest(known.isoformat(), birth_date.isoformat())
    if case is None or not matches:
        return None
    return Lookup(case, True)


def ticket_key(typed_ticket: str) -> str:
    return normalize_ticket(typed_ticket) or "".join(typed_ticket.upper().split())[:20] or "-"
