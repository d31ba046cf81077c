"""Which district a request, a job or a record belongs to, and the district filter on the editable lists.

The district is the first five characters (`NN.NN`) of a region code. A staff member works in the district of
their region; a command works in the one given by `--district` (`working_in`), else the configured
SLRT_REGION_CODE, which is also the district of a single-district install and of a provincial officer (whose
region is a province and who sees only aggregates). A provincial administrator (an administrator whose region
is a province) works in the district they chose (`chosen_district`, kept in their session), else the configured
one. A page opened without signing in (the login page, the status page, a letter's verification) speaks for the
district whose public host name it was opened on (`district_for_host`), and a WhatsApp message is answered by the
district whose number it was sent to (`district_for_whatsapp`).
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from flask import current_app, g, has_app_context, has_request_context, request, session
from sqlalchemy import event
from sqlalchemy.orm import Session, with_loader_criteria

DISTRICT_LENGTH = 5
PROVINCE_LENGTH = 2
CHOICE_KEY = "slrt_district"  # the session key of a provincial administrator's chosen district
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
            chosen = chosen_district(current_user)
            if chosen:
                return chosen
        else:
            return district_for_host(request.host) or current_app.config["SLRT_REGION_CODE"]
    return current_app.config["SLRT_REGION_CODE"]


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


def district_for_host(host: str | None) -> str | None:
    """The active hosted district whose public pages are opened on `host` (its `public_host`), else None.
    From the process's copy of the districts (`district_faces`): no query per anonymous page."""
    wanted = normal_host(host)
    faces = _faces_or_none()
    return faces.by_host.get(wanted) if faces is not None and wanted else None


def district_for_whatsapp(number: str | None) -> str | None:
    """The active hosted district whose citizens write to the WhatsApp `number` (its `whatsapp_number`), else
    None."""
    wanted = normal_whatsapp(number)
    faces = _faces_or_none()
    return faces.by_whatsapp.get(wanted) if faces is not None and wanted else None


def whatsapp_number_id(code: str | None) -> str:
    """The Cloud API phone-number id the notices of an active hosted district leave from ("" when it has none:
    the configured SLRT_WA_PHONE_NUMBER_ID). From the process's copy of the districts: no query per notice."""
    face = district_face(code) if code else None
    return face.whatsapp_number_id if face is not None and face.active and face.whatsapp_number_id else ""


def public_host(code: str) -> str:
    """The public host name of an active hosted district ("" when it has none)."""
    face = district_face(code)
    return face.public_host if face is not None and face.active and face.public_host else ""


def is_province_admin(user) -> bool:
    """An administrator whose region is a province: they host and manage the province's districts."""
    from slrt.auth.models import Role
    return (bool(getattr(user, "is_authenticated", False)) and user.role == Role.ADMIN
            and len(user.region_code or "") == PROVINCE_LENGTH)


def chosen_district(user) -> str | None:
    """The district a provincial administrator chose to work in (the session's), if it is still hosted, active
    and in their province; None for everyone else (a choice in anyone else's session is ignored). Read once
    per request."""
    if not is_province_admin(user):
        return None
    code = session.get(CHOICE_KEY)
    if not isinstance(code, str) or not code:
        return None
    cached = g.get("slrt_chosen_district")
    if cached is not None and cached[0] == code:
        return cached[1]
    from sqlalchemy.exc import SQLAlchemyError

    from slrt.extensions import db
    from slrt.regions.models import District
    valid = None
    if code.startswith(user.region_code + ".") and len(code) == DISTRICT_LENGTH:
        if code == current_app.config["SLRT_REGION_CODE"]:
            valid = code
        else:
            try:
                row = db.session.get(District, code)
            except SQLAlchemyError:  # an error page after the database failed still renders
                db.session.rollback()
                row = None
            valid = code if row is not None and row.active else None
    g.slrt_chosen_district = (code, valid)
    return valid


def choose(code: str | None) -> None:
    """Keep a provincial administrator's choice (checked by the caller) in their session."""
    if code:
        session[CHOICE_KEY] = code
    else:
        session.pop(CHOICE_KEY, None)
    g.pop("slrt_chosen_district", None)


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
    if not event.contains(Session, "after_flush", _note_district_change):
        event.listen(Session, "after_flush", _note_district_change)
        event.listen(Session, "after_commit", _forget_faces_after_commit)


def hosted_districts(*, include_inactive: bool = False) -> list:
    """The active districts of this database, the configured one first even where no row names it yet (an
    install created without migrations). With `include_inactive`, also those deactivated: no longer served, but
    their cases, attachments and extracts are still in the database (the retention job and historic figures
    need them)."""
    from sqlalchemy import select

    from slrt.extensions import db
    from slrt.regions.models import District
    query = select(District).order_by(District.code)
    if not include_inactive:
        query = query.where(District.active.is_(True))
    rows = list(db.session.scalars(query))
    default = current_app.config["SLRT_REGION_CODE"]
    if not any(row.code == default for row in rows):
        rows.append(District(code=default, name=current_app.config["SLRT_REGION_NAME"], active=True))
    return sorted(rows, key=lambda row: (row.code != default, row.code))


@dataclass(frozen=True)
class DistrictFace:
    """What pages and messages show of a hosted district (a copy, safe to keep between requests)."""

    code: str
    name: str
    office_name: str | None
    public_host: str | None
    whatsapp_number: str | None
    active: bool
    whatsapp_number_id: str | None = None  # the Cloud API phone-number id of whatsapp_number


FACES_SECONDS = 10.0  # how long another node's (or worker's) edit of a district may take to show here


@dataclass(frozen=True)
class Faces:
    by_code: dict[str, DistrictFace]
    by_host: dict[str, str]  # normal_host(public_host) → code, active districts only
    by_whatsapp: dict[str, str]  # normal_whatsapp(number) → code, active districts only


def district_faces() -> Faces:
    """Every hosted district's names, host and number, read at most every FACES_SECONDS per process.

    Every page names its office, and every anonymous page first asks which district its host is: the few
    rows are kept in the process and read again after FACES_SECONDS, or at once after this process commits a
    change to a district (`_forget_faces_after_commit`), so the busiest public page pays no query for them."""
    from sqlalchemy import select

    from slrt.extensions import db
    from slrt.regions.models import District
    cache = current_app.extensions.setdefault("slrt_district_faces", {})
    kept = cache.get("faces")
    if kept is not None and cache.get("until", 0.0) > time.monotonic():
        return kept
    rows = [DistrictFace(row.code, row.name, row.office_name, row.public_host, row.whatsapp_number, bool(row.active),
                         row.whatsapp_number_id)
            for row in db.session.execute(select(District.code, District.name, District.office_name,
                                                 District.public_host, District.whatsapp_number,
                                                 District.active, District.whatsapp_number_id))]
    faces = Faces(by_code={row.code: row for row in rows},
                  by_host={normal_host(row.public_host): row.code for row in rows if row.active and row.public_host},
                  by_whatsapp={normal_whatsapp(row.whatsapp_number): row.code for row in rows
                               if row.active and row.whatsapp_number})
    cache.update(faces=faces, until=time.monotonic() + FACES_SECONDS)
    return faces


def _faces_or_none() -> Faces | None:
    from sqlalchemy.exc import SQLAlchemyError

    from slrt.extensions import db
    try:
        return district_faces()
    except SQLAlchemyError:  # an error page after the database failed still renders, for the configured one
        db.session.rollback()
        return None


def district_face(code: str) -> DistrictFace | None:
    """What this process knows of a hosted district's names, host and number (None for an unknown code);
    with the configuration, all that `district_name` and `office_name` make of it."""
    faces = _faces_or_none()
    return faces.by_code.get(code) if faces is not None else None




def _note_district_change(session, flush_context) -> None:
    from slrt.regions.models import District
    if any(isinstance(row, District) for row in (*session.new, *session.dirty, *session.deleted)):
        session.info["slrt_districts_changed"] = True


def _forget_faces_after_commit(session) -> None:
    if session.info.pop("slrt_districts_changed", False) and has_app_context():
        current_app.extensions.pop("slrt_district_faces", None)


def district_name(code: str) -> str:
    """The hosted district's name ("Kota Bandung"); the configured name for the configured district."""
    if code == current_app.config["SLRT_REGION_CODE"]:
        return current_app.config["SLRT_REGION_NAME"]
    face = district_face(code)
    return face.name if face is not None else code


def office_name(code: str) -> str:
    """The office that speaks for the district on pages, letters and messages to citizens: the name its
    administrator gave it, else the configured one (the configured district), else made from its name."""
    face = district_face(code)
    if face is not None and face.office_name:
        return face.office_name
    if code == current_app.config["SLRT_REGION_CODE"]:
        return current_app.config["SLRT_OFFICE_NAME"]
    return "SLRT Dinas Sosial " + (face.name if face is not None else code)
