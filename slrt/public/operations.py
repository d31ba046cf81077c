"""The public status lookup: no login, no personal data without the birth date, and throttled failures."""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select, true
from sqlalchemy.orm import joinedload, lazyload

from slrt.cases.models import Case, CaseEvent
from slrt.cases.tickets import normalize_ticket
from slrt.core import throttle
from slrt.core.db import LightQuery
from slrt.extensions import db

_NO_DATE = date(1900, 1, 1)


@dataclass
class Lookup:
    case: Case | None
    detailed: bool  # ticket and birth date matched: show what was requested and the messages

    @property
    def events(self) -> list[CaseEvent]:
        """The steps the citizen sees (loaded with the case by `look_up`)."""
        return [event for event in self.case.events if event.public]


@dataclass(frozen=True)
class Step:
    at: object
    kind: str


@dataclass(frozen=True)
class Steps:
    """What the ticket alone shows: the case's status and its public steps (no personal data, no agency)."""

    ticket: str
    status: str
    office_region_code: str
    events: tuple[Step, ...]
    detailed = False


_cases, _events = Case.__table__, CaseEvent.__table__
# Built once: the busiest public page runs it as a light read (slrt.core.db.LightQuery), below the ORM
# (no objects, no identity map, no loader events for rows that are only printed).
_STEPS = LightQuery(
    select(_cases.c.ticket, _cases.c.status, _cases.c.office_region_code, _events.c.at, _events.c.kind)
    .select_from(_cases.outerjoin(_events, (_events.c.case_id == _cases.c.id) & (_events.c.public == true())))
    .where(_cases.c.ticket == bindparam("ticket"))
    .order_by(_events.c.id))


def steps(typed_ticket: str) -> Steps | None:
    """The case of a ticket with its public steps, in one statement; None when there is no such ticket."""
    ticket = normalize_ticket(typed_ticket) or "-"
    rows = _STEPS.rows(ticket=ticket)
    if not rows:
        return None
    ticket, status, office_region_code = rows[0][:3]
    return Steps(ticket, status, office_region_code, tuple(Step(at, kind) for *_, at, kind in rows if kind is not None))


def _address_checks():
    return [throttle.per_address("SLRT_STATUS_LIMIT", "status-address")]


def _ticket_checks(ticket_key: str):
    return [throttle.per_key("SLRT_STATUS_TICKET_LIMIT", "status-ticket", ticket_key)]


def client_checks(client: str):
    """For an API client (which may call from a shared server): failures per client, not per address."""
    return [throttle.per_key("SLRT_STATUS_LIMIT", "status-client", client)]


def number_checks(number_key: str):
    """For lookups by message (WhatsApp): the failures of one phone number take the place of an address's."""
    return [throttle.per_key("SLRT_STATUS_LIMIT", "status-number", number_key)]


def throttled(source=None) -> bool:
    """Too many failures from this address (or `source`, e.g. number_checks): nothing is looked up
    (guessing tickets or birth dates)."""
    return throttle.blocked(_address_checks() if source is None else source)


def birth_date_throttled(ticket_key: str) -> bool:
    """Too many wrong birth dates for this ticket: no birth date is checked, but the status is still
    shown, so a stranger's guesses never lock the citizen out of their own ticket."""
    return throttle.blocked(_ticket_checks(ticket_key))


def count_failure(ticket_key: str, *, wrong_birth_date: bool, source=None) -> bool:
    """False when a limit was already full (a request that raced past `throttled`). The wrong birth dates
    of a ticket count together, whether typed on the page or sent by WhatsApp."""
    first = _address_checks() if source is None else source
    return throttle.count_failure(first + (_ticket_checks(ticket_key) if wrong_birth_date else []))


def look_up(typed_ticket: str, birth_date: date | None) -> Lookup | None:
    """Find the case for a ticket and, with a birth date, check it. None means no such ticket; a wrong
    birth date gives the status-only view (the ticket alone shows it anyway), after the same work."""
    ticket = normalize_ticket(typed_ticket) or "-"
    case = _case_with_events(ticket, with_person=birth_date is not None)
    if birth_date is None:
        return Lookup(case, False) if case is not None else None
    known = case.person.birth_date if case is not None else _NO_DATE
    matches = hmac.compare_digest(known.isoformat(), birth_date.isoformat())
    if case is None:
        return None
    return Lookup(case, matches)


def _case_with_events(ticket: str, *, with_person: bool) -> Case | None:
    """The case and its steps in one query (the status page is the busiest public page). Nothing else is
    loaded eagerly: the region and the visit identities are never shown, and the person (whose birth date
    is checked; not their household) only when a birth date was typed."""
    options = [joinedload(Case.events), lazyload("*")]
    if with_person:
        options.append(joinedload(Case.person).lazyload("*"))
    query = select(Case).where(Case.ticket == ticket).options(*options)
    return db.session.scalars(query).unique().first()


def ticket_key(typed_ticket: str) -> str:
    return normalize_ticket(typed_ticket) or "".join(typed_ticket.upper().split())[:20] or "-"
