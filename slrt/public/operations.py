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


def _address_checks():
    return [throttle.per_address("SLRT_STATUS_LIMIT", "status-address")]


def _ticket_checks(ticket_key: str):
    return [throttle.per_key("SLRT_STATUS_TICKET_LIMIT", "status-ticket", ticket_key)]


def throttled() -> bool:
    """Too many failures from this address: nothing is looked up (guessing tickets or birth dates)."""
    return throttle.blocked(_address_checks())


def birth_date_throttled(ticket_key: str) -> bool:
    """Too many wrong birth dates for this ticket: no birth date is checked, but the status is still
    shown, so a stranger's guesses never lock the citizen out of their own ticket."""
    return throttle.blocked(_ticket_checks(ticket_key))


def count_failure(ticket_key: str, *, wrong_birth_date: bool) -> bool:
    """False when a limit was already full (a request that raced past `throttled`)."""
    return throttle.count_failure(_address_checks() + (_ticket_checks(ticket_key) if wrong_birth_date else []))


def look_up(typed_ticket: str, birth_date: date | None) -> Lookup | None:
    """Find the case for a ticket and, with a birth date, check it. None means no such ticket; a wrong
    birth date gives the status-only view (the ticket alone shows it anyway), after the same work."""
    ticket = normalize_ticket(typed_ticket) or "-"
    case = db.session.scalar(select(Case).where(Case.ticket == ticket))
    if birth_date is None:
        return Lookup(case, False) if case is not None else None
    known = case.person.birth_date if case is not None else _NO_DATE
    matches = hmac.compare_digest(known.isoformat(), birth_date.isoformat())
    if case is None:
        return None
    return Lookup(case, matches)


def ticket_key(typed_ticket: str) -> str:
    return normalize_ticket(typed_ticket) or "".join(typed_ticket.upper().split())[:20] or "-"
