"""District settings with their defaults. Read with `get`, changed with `put` (audited).

A district's settings are read in one query on first use and kept for the rest of the database transaction
(a request's, a command's): a page that asks for a deadline per row, or for a setting that has no stored row
and so falls back to its default, costs no query per call. `put` drops the kept values.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from slrt.admin.models import Setting
from slrt.extensions import db

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
    "letterhead_lines": "",
    "letterhead_logo": "",                # file name under SLRT_UPLOAD_DIR (set by the logo upload)
    "two_factor_required": "0",           # "1": administrators and supervisors/managers must use a second factor
    # Retention (UU 27/2022: no longer than needed), in months; the nightly `flask privacy retention`.
    "retention_case_months": "60",        # closed cases, then anonymised (counts stay for reports)
    "retention_attachment_months": "60",  # files attached to cases, then removed
    "retention_audit_months": "60",       # audit rows, then removed
    "retention_registry_months": "24",    # registry extracts replaced by a newer one, then removed
    "privacy_contact": "",                # whom a citizen asks about their data (the receipt says it)
}


def district_code() -> str:
    return current_app.config["SLRT_REGION_CODE"]


_KEPT = "slrt_settings"


def _stored(region_code: str) -> dict[str, str]:
    """Every stored setting of `region_code`, read once per database transaction (a request's, a command's):
    kept in the session until the transaction ends, so a value another request committed since is seen."""
    session = db.session()  # the Session itself (the scoped proxy does not offer get_transaction)
    transaction = session.get_transaction()
    kept = session.info.get(_KEPT)
    if transaction is None or kept is None or kept[0] is not transaction:
        kept = session.info[_KEPT] = [None, {}]
    by_region = kept[1]
    if region_code not in by_region:
        by_region[region_code] = dict(session.execute(
            select(Setting.key, Setting.value).where(Setting.region_code == region_code)).all())
        kept[0] = session.get_transaction()
    return by_region[region_code]


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
    record("setting.update", None, note=f"{code} {key}={value[:200]}", user=actor)


def letterhead_lines() -> list[str]:
    """The letterhead printed on letters and generated documents: the lines the administrator typed under
    *Kop surat*, or else the office's name."""
    lines = [line for line in get("letterhead_lines").splitlines() if line.strip()]
    return lines or [current_app.config["SLRT_OFFICE_NAME"]]
