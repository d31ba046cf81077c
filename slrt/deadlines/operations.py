"""Changing the district's days off (audited). Does not commit."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from slrt.audit.operations import record
from slrt.core.errors import DomainError
from slrt.deadlines.calendar import forget_district_days_off
from slrt.deadlines.models import DayOff
from slrt.extensions import db


def add_day_off(region_code: str, day: date, name: str, actor) -> DayOff:
    """Close the district office on `day` (a local leave day, a regional holiday)."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Tulis keterangan hari libur."), field="name")
    exists = db.session.scalar(select(DayOff.id).where(DayOff.region_code == region_code, DayOff.day == day))
    if exists:
        raise DomainError(_l("Tanggal ini sudah ada di daftar hari libur daerah."), field="day")
    row = DayOff(region_code=region_code, day=day, name=name[:120])
    db.session.add(row)
    db.session.flush()
    record("day_off.create", row, note=f"{region_code} {day.isoformat()} {row.name}", user=actor)
    forget_district_days_off()
    return row


def remove_day_off(row: DayOff, actor) -> None:
    """Open the office again on that day: deadlines count it as a working day from now on."""
    record("day_off.delete", row, note=f"{row.region_code} {row.day.isoformat()} {row.name}", user=actor)
    db.session.delete(row)
    db.session.flush()
    forget_district_days_off()
