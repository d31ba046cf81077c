"""A month of the district in counts per kecamatan: what the province may see. Nothing here names a person:
every value is a count, keyed by codes of the district's own lists (statuses, channels, categories, agencies,
programmes) and Kemendagri region codes."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, time, timezone

from sqlalchemy import func, select

from slrt.admin.models import Agency, ComplaintCategory, Programme
from slrt.cases.models import Case, CaseNeed, Complaint
from slrt.core.time import local_today, local_zone
from slrt.extensions import db
from slrt.referrals.lateness import late_condition
from slrt.referrals.models import Referral
from slrt.regions.models import Region

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
KECAMATAN = func.substr(Case.region_code, 1, 8)


def _first_days(month: str) -> tuple[date, date]:
    year, number = int(month[:4]), int(month[5:])
    return date(year, number, 1), date(year + number // 12, number % 12 + 1, 1)


def month_bounds_utc(month: str) -> tuple[datetime, datetime]:
    """The month's local start and end, as the naive UTC times the database keeps."""
    first, following = _first_days(month)

    def utc(day: date) -> datetime:
        return datetime.combine(day, time(), local_zone()).astimezone(timezone.utc).replace(tzinfo=None)
    return utc(first), utc(following)


def _nested(rows) -> dict:
    """Rows (kecamatan, key..., count) as {kecamatan: {key: ... count}}."""
    tree: dict = defaultdict(dict)
    for *keys, count in rows:
        node = tree[keys[0]]
        for key in keys[1:-1]:
            node = node.setdefault(key or "", {})
        node[keys[-1] or ""] = int(count)
    return tree


def _grouped(*columns, where, joins=(), district: str):
    query = select(KECAMATAN, *columns, func.count()).select_from(Case)
    for target, on in joins:
        query = query.join(target, on)
    in_district = Case.region_code.startswith(district + ".")  # one database may host several districts
    return db.session.execute(query.where(in_district, *where).group_by(KECAMATAN, *columns)).all()


def month_counts(month: str, district: str | None = None) -> dict:
    """{kecamatan code: {"name", "cases_registered", "cases_closed", "complaints", "referrals", "late_referrals",
    "needs"}} for the month, of `district` (the current district by default; its own lists' codes)."""
    from functools import partial

    from slrt.regions.districts import current_district, working_in
    district = district or current_district()
    with working_in(district):
        return _month_counts(month, partial(_grouped, district=district))


def _month_counts(month: str, _grouped) -> dict:
    start, end = month_bounds_utc(month)
    registered = [Case.created_at >= start, Case.created_at < end]
    late_on = min(local_today(), _first_days(month)[1])   # late at the month's end, or today
    sections = {
        "cases_registered": _grouped(Case.channel, Case.status, where=registered),
        "cases_closed": _grouped(Case.channel, where=[Case.closed_at >= start, Case.closed_at < end]),
        "complaints": _grouped(ComplaintCategory.code, where=registered, joins=[
            (Complaint, Complaint.case_id == Case.id),
            (ComplaintCategory, ComplaintCategory.id == Complaint.category_id)]),
        "referrals": _grouped(Agency.code, Referral.status, where=[Referral.created_at >= start,
                                                                  Referral.created_at < end], joins=[
            (Referral, Referral.case_id == Case.id), (Agency, Agency.id == Referral.agency_id)]),
        "late_referrals": _grouped(Agency.code, where=[Referral.created_at < end, late_condition(late_on)], joins=[
            (Referral, Referral.case_id == Case.id), (Agency, Agency.id == Referral.agency_id)]),
        "needs": _grouped(Programme.code, where=registered, joins=[
            (CaseNeed, CaseNeed.case_id == Case.id), (Programme, Programme.id == CaseNeed.programme_id)]),
    }
    result: dict = defaultdict(dict)
    for name, rows in sections.items():
        for kecamatan, counts in _nested(rows).items():
            result[kecamatan][name] = counts
    names = dict(db.session.execute(select(Region.code, Region.name).where(Region.code.in_(list(result)))).all())
    for kecamatan, counts in result.items():
        counts["name"] = names.get(kecamatan, "")
    return dict(result)


def totals(counts: dict) -> dict[str, int]:
    """The district's totals of a file's counts: one number per section, for the side-by-side table."""
    def total(node) -> int:
        return node if isinstance(node, int) else sum(total(v) for v in node.values())
    sections = ("cases_registered", "cases_closed", "complaints", "referrals", "late_referrals", "needs")
    return {name: sum(total(k.get(name, {})) for k in counts.values()) for name in sections}
