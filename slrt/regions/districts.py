"""Which district a request, a job or a record belongs to, and the district filter on the editable lists.

The district is the first five characters (`NN.NN`) of a region code. A staff member works in the district of
their region; a command works in the one given by `--district` (`working_in`), else the configured
SLRT_REGION_CODE, which is also the district of a single-district install and of a provincial officer (whose
region is a province and who sees only aggregates). A page opened without signing in (the login page, a letter's
verification) speaks for the district whose public host name it was opened on (`district_for_host`), and a
WhatsApp message is answered by the district whose number it was sent to (`district_for_whatsapp`).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session, with_loader_criteria

DISTRICT_LENGTH = 5
_chosen: ContextVar[str | None] = ContextVar("slrt_district", default=None)


def district_of_code(region_code: str | None) -> str | None:
    """`32.04.05.2001` → `32.04`; a province code (or nothing) has no district."""
    if not region_code or len(region_code) < DISTRICT_LENGTH:
        return None
    return region_code[:DISTRICT_LENGTH]


def district_of(user) -> str | None:
    return district_of_code(getattr(user, "region_code", None))


def current_district() -> str:
    chosen = _chosen.get()
    if chosen:
        return chosen
    if has_request_context():
        from flask_login import current_user
        if getattr(current_user, "is_authenticated", False):
            own = district_of(current_user)
            if own:
                return own
        else:
            return _request_host_district()
    return current_app.config["SLRT_REGION_CODE"]


def _request_host_district() -> str:
    """The district of this anonymous request's host, else the configured one: looked up once per request
    (kept in `flask.g`), and only when something asks (a static file never does)."""
    host = normal_host(request.host)
    if g.get("slrt_host") != host:  # (a test's request contexts may share one application context)
        found, rows = _active_district_where("public_host", host)
        # Held for the request: the office and district names the page asks for next come from these rows
        # (`_district_row`), not from more queries.
        g.slrt_host, g.slrt_host_rows = host, rows
        g.slrt_host_district = found or current_app.config["SLRT_REGION_CODE"]
    return g.slrt_host_district


def normal_host(host: str | None) -> str:
    """`SLRT.KotaBandung.example:8443` → `slrt.kotabandung.example`: lower case, no port, no trailing dot."""
    host = (host or "").strip().lower()
    if host.startswith("["):  # an IPv6 literal, [::1]:5000
        return host.partition("]")[0] + "]"
    return host.partition(":")[0].rstrip(".")


def normal_whatsapp(number: str | None) -> str:
    """`+62 812-3456-7890` or `0812 3456 7890` → `6281234567890`: digits only, a leading 0 → 62."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    return "62" + digits[1:] if digits.startswith("0") else digits


def _active_district_where(column: str, value: str) -> tuple[str | None, list | None]:
    """The code of the active hosted district whose `column` holds `value` (else None), and the rows read
    (None when nothing could be read).

    The configured district's row is read by the same query: an anonymous page's office and district names
    (`office_name`, `district_name`) then need no other query."""
    from sqlalchemy import or_, select
    from sqlalchemy.exc import SQLAlchemyError

    from slrt.extensions import db
    from slrt.regions.models import District
    configured = current_app.config["SLRT_REGION_CODE"]
    if not value:
        return None, None
    try:
        rows = db.session.scalars(select(District).where(
            or_(getattr(District, column) == value, District.code == configured))).all()
    except SQLAlchemyError:  # an error page after the database failed still renders, for the configured one
        db.session.rollback()
        return None, None
    return next((row.code for row in rows if row.active and getattr(row, column) == value), None), rows


def district_for_host(host: str | None) -> str | None:
    """The hosted district whose public pages are opened on `host` (its `public_host`), else None."""
    return _active_district_where("public_host", normal_host(host))[0]


def district_for_whatsapp(number: str | None) -> str | None:
    """The hosted district whose citizens write to the WhatsApp `number` (its `whatsapp_number`), else None."""
    return _active_district_where("whatsapp_number", normal_whatsapp(number))[0]


@contextmanager
def working_in(code: str):
    """Run a command's work as the district `code` (lists, settings and new list entries are that district's)."""
    token = _chosen.set(code)
    try:
        yield code
    finally:
        _chosen.reset(token)


_PER_DISTRICT: set[type] = set()


def kept_per_district(*models: type) -> None:
    """Declare models whose rows belong to one district (a `district_code` column): every query of them is
    filtered to the current district."""
    _PER_DISTRICT.update(models)


def _only_current_district(execute_state) -> None:
    """Every query that names a model kept per district (the lists: agencies, programmes, categories,
    documents) sees the current district's rows only. Following a reference (a referral's agency) is not
    filtered: the record it starts from is already the district's."""
    if not execute_state.is_select or execute_state.is_relationship_load or execute_state.is_column_load:
        return
    listed = [m.class_ for m in execute_state.all_mappers if m.class_ in _PER_DISTRICT]
    if not listed:
        return
    code = current_district()
    execute_state.statement = execute_state.statement.options(*(
        with_loader_criteria(model, model.district_code == code, include_aliases=True) for model in listed))


def register_filter() -> None:
    if not event.contains(Session, "do_orm_execute", _only_current_district):
        event.listen(Session, "do_orm_execute", _only_current_district)


def hosted_districts() -> list:
    """The districts of this database, the configured one first even where no row names it yet (an install
    created without migrations)."""
    from sqlalchemy import select

    from slrt.extensions import db
    from slrt.regions.models import District
    rows = list(db.session.scalars(select(District).where(District.active.is_(True)).order_by(District.code)))
    default = current_app.config["SLRT_REGION_CODE"]
    if not any(row.code == default for row in rows):
        rows.append(District(code=default, name=current_app.config["SLRT_REGION_NAME"], active=True))
    return sorted(rows, key=lambda row: (row.code != default, row.code))


def _district_row(code: str):
    """The District row of `code`, or None. An anonymous request has read its host's district and the
    configured one already (`_request_host_district`): those come from that read, found or not."""
    from slrt.extensions import db
    from slrt.regions.models import District
    if has_request_context() and g.get("slrt_host_rows") is not None and g.slrt_host == normal_host(request.host) \
            and code in (g.slrt_host_district, current_app.config["SLRT_REGION_CODE"]):
        return next((row for row in g.slrt_host_rows if row.code == code), None)
    return db.session.get(District, code)


def district_name(code: str) -> str:
    """The hosted district's name ("Kota Bandung"); the configured name for the configured district."""
    from sqlalchemy.exc import SQLAlchemyError

    from slrt.extensions import db
    if code == current_app.config["SLRT_REGION_CODE"]:
        return current_app.config["SLRT_REGION_NAME"]
    try:
        row = _district_row(code)
    except SQLAlchemyError:  # an error page after the database failed still renders
        db.session.rollback()
        return code
    return row.name if row is not None else code


def office_name(code: str) -> str:
    """The office that speaks for the district on pages, letters and messages to citizens: the name its
    administrator gave it, else the configured one (the configured district), else made from its name."""
    from sqlalchemy.exc import SQLAlchemyError

    from slrt.extensions import db
    try:
        row = _district_row(code)
    except SQLAlchemyError:  # an error page after the database failed still renders
        db.session.rollback()
        row = None
    if row is not None and row.office_name:
        return row.office_name
    if code == current_app.config["SLRT_REGION_CODE"]:
        return current_app.config["SLRT_OFFICE_NAME"]
    return "SLRT Dinas Sosial " + (row.name if row is not None else district_name(code))
