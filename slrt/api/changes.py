"""Cases and referrals changed since a cursor: keyset pages over (updated_at, id), behind a settling horizon.

Why not ids: an id says when a row was made, not when it last changed, and on MariaDB a transaction can
commit a lower id after a higher one was read. Why not timestamps alone: many rows share one
second (MariaDB keeps whole seconds), so the id breaks ties, and a row is read again whenever it changes
(it moves past the cursor). Transactions still in flight: `updated_at` is set when a transaction writes,
and it becomes visible only at its commit, a moment later. A page therefore reads only rows older than
the horizon (now minus SLRT_API_SETTLE_SECONDS, 30 by default, far longer than any web request's
transaction): a change that commits later than that after it was written would be missed, and none of
the portal's writes to a case or referral runs that long. The cursor is signed, so a caller cannot
forge one to step outside its pages (scoping holds regardless)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, or_
from sqlalchemy.orm import lazyload

from slrt.api.problems import ApiProblem
from slrt.core.time import utcnow
from slrt.extensions import db

DEFAULT_SETTLE_SECONDS = 30


@dataclass
class Page:
    rows: list
    next_cursor: str
    has_more: bool


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="slrt-api-changes")


def encode(kind: str, moment: datetime, row_id: int) -> str:
    return _serializer().dumps([kind, moment.isoformat(), row_id])


def decode(kind: str, cursor: str) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    try:
        found, moment, row_id = _serializer().loads(cursor)
        if found != kind or not isinstance(row_id, int):
            raise ValueError
        return datetime.fromisoformat(moment), row_id
    except (BadSignature, ValueError, TypeError):
        raise ApiProblem(400, _("Kursor tidak sah. Mulai lagi tanpa kursor atau pakai next_cursor dari halaman "
                                "sebelumnya.")) from None


def horizon() -> datetime:
    settle = current_app.config.get("SLRT_API_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS)
    return utcnow() - timedelta(seconds=settle)


def page(kind: str, query, model, cursor: str, limit: int, options=()) -> Page:
    """One page of `query` (already scoped) after `cursor`, oldest change first; `options` say what to load
    with the rows (by default nothing: the feed never shows a person)."""
    after = decode(kind, cursor)
    query = query.where(model.updated_at <= horizon()).options(*(options or [lazyload("*")]))
    if after is not None:
        moment, row_id = after
        query = query.where(or_(model.updated_at > moment, and_(model.updated_at == moment, model.id > row_id)))
    rows = list(db.session.scalars(query.order_by(model.updated_at, model.id).limit(limit + 1)).unique())
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode(kind, rows[-1].updated_at, rows[-1].id) if rows else (cursor or "")
    return Page(rows, next_cursor, has_more)
