"""District settings with their defaults. Read with `get`, changed with `put` (audited).

A district's settings are read in one query on first use and kept for the rest of the request (in a
command, for the rest of its database transaction, so a long-running worker sees a value committed since): a
page that asks for a deadline per row, or for a setting that has no stored row and so falls back to its
default, costs no query per call, and a template that asks (a permission that depends on the sign-off role)
reads what the view already loaded (`preload`). `put` drops the kept values.
"""
from __future__ import annotations

from flask import current_app, g, has_request_context
from sqlalchemy import select

from slrt.admin.models import Setting
from slrt.extensions import db
from slrt.regions.districts import current_district, district_name

DEFAULTS: dict[str, str] = {
    "signoff_role": "supervisor",         # which role signs referrals off (penetapan layanan)
    "signoff_days": "3",                  # working days from registration to sign-off
    "response_days": "5",                 # working days from the letter to the agency's answer
    "autoclose_days": "10",               # working days after the outcome before the case closes
    "objection_days": "10",               # working days in which a citizen's objection reopens a closed case
    "letter_pattern": "460/{seq:04d}/SLRT/{month_roman}/{year}",
    "letter_signer_name": "",
    "letter_signer_nip": "",
    "letter_signer_title": "Kepala Dinas Sosial",
    "letter_place": "",                   # the place line of letters ("Soreang, 28 November 2026"); empty: see place()
    "letterhead_lines": "",
    "letterhead_address": "",             # the office's street address, the letterhead's contact line
    "letterhead_phone": "",
    "letterhead_logo": "",                # file name under SLRT_UPLOAD_DIR (set by the logo upload)
    "two_factor_required": "0",           # "1": administrators and supervisors/managers must use a second factor
    # Retention (UU 27/2022: no longer than needed), in months; the nightly `flask privacy retention`.
    "retention_case_months": "60",        # closed cases and ended proposals without a case, then anonymised
    "retention_attachment_months": "60",  # files of closed cases and decided proposals, signed meeting minutes
    "retention_audit_months": "60",       # audit rows, then removed
    "retention_registry_months": "24",    # registry extracts replaced by a newer one, then removed
    "privacy_contact": "",                # whom a citizen asks about their data (the receipt says it)
    "field_expire_days": "7",             # days without a sync after which a field device wipes its data
    "office_hours": "",                   # the hours the office serves (the WhatsApp menu says them); see office_hours()
}


def district_code() -> str:
    return current_district()


_KEPT = "slrt_settings"


def _read(region_code: str) -> dict[str, str]:
    return dict(db.session.execute(select(Setting.key, Setting.value).where(Setting.region_code == region_code)).all())


def _stored(region_code: str) -> dict[str, str]:
    """Every stored setting of `region_code`: read once per request; outside a request once per database
    transaction (kept in the session until the transaction ends, so a value committed since is seen)."""
    if has_request_context():
        by_region = g.setdefault(_KEPT, {})
        if region_code not in by_region:
            by_region[region_code] = _read(region_code)
        return by_region[region_code]
    session = db.session()  # the Session itself (the scoped proxy does not offer get_transaction)
    transaction = session.get_transaction()
    kept = session.info.get(_KEPT)
    if transaction is None or kept is None or kept[0] is not transaction:
        kept = session.info[_KEPT] = [None, {}]
    by_region = kept[1]
    if region_code not in by_region:
        by_region[region_code] = _read(region_code)
        kept[0] = session.get_transaction()
    return by_region[region_code]


def preload() -> dict:
    """Read the district's settings now (a context processor calls this before a template renders), so that
    a permission asked in a template finds them loaded. Returns no template values. Only for staff: a
    public page asks no permission, and the citizen's status page stays one query."""
    from flask_login import current_user
    from sqlalchemy.exc import SQLAlchemyError
    if not has_request_context() or not getattr(current_user, "is_authenticated", False):
        return {}
    try:
        _stored(district_code())
    except SQLAlchemyError:  # an error page after the database failed: render it without the settings
        db.session.rollback()
    return {}


def get(key: str, region_code: str | None = None) -> str:
    stored = _stored(region_code or district_code())
    return stored[key] if key in stored else DEFAULTS.get(key, "")


def get_int(key: str, region_code: str | None = None) -> int:
    try:
        return int(get(key, region_code))
    except ValueError:
        return int(DEFAULTS[key])


def put(key: str, value: str, actor, region_code: str | None = None) -> None:
    from slrt.audit.operations import record
    code = region_code or district_code()
    row = db.session.get(Setting, (code, key))
    if row is None:
        row = Setting(region_code=code, key=key, value=value)
        db.session.add(row)
    else:
        row.value = value
    db.session.info.pop(_KEPT, None)
    if has_request_context():
        g.pop(_KEPT, None)
    record("setting.update", None, note=f"{code} {key}={value[:200]}", user=actor)


def default_place(region_name: str) -> str:
    """A first guess at the district's capital town from its name: a city is its own capital ("Kota Bandung" →
    "Bandung"); a kabupaten's capital often carries another name (Soreang for Kabupaten Bandung), so the
    administrator checks it in the settings, where this guess is prefilled."""
    for prefix in ("Kabupaten ", "Kab. ", "Kota Administrasi ", "Kota "):
        if region_name.startswith(prefix):
            return region_name[len(prefix):].strip()
    return region_name.strip()


def place() -> str:
    """The town on the place-and-date line of letters: the district's capital."""
    return get("letter_place").strip() or default_place(district_name(district_code()))


def office_hours(region_code: str | None = None) -> str:
    """The hours the district's office serves citizens, as told to them: the district's own, else the server's
    configured SLRT_OFFICE_HOURS."""
    return get("office_hours", region_code).strip() or (current_app.config.get("SLRT_OFFICE_HOURS") or "").strip()


def letterhead_lines() -> list[str]:
    """The letterhead as printed on letters and reports: the district's lines, then the office's address and
    phone on one line (unless the lines already say them)."""
    lines = [line.strip() for line in get("letterhead_lines").splitlines() if line.strip()]
    address, phone = get("letterhead_address").strip(), get("letterhead_phone").strip()
    contact = " · ".join(part for part in (address, f"Telp. {phone}" if phone else "")
                         if part and not any(part in line for line in lines))
    return lines + [contact] if contact else lines


def letterhead_missing() -> list[str]:
    """What the letterhead and signature still lack (keys of DEFAULTS), for the administrator's prompt."""
    wanted = ("letterhead_address", "letterhead_phone", "letterhead_logo", "letter_signer_name")
    return [key for key in wanted if not get(key).strip()]
