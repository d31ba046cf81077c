"""The lists behind the figures (cases or referrals, same filter as the figure) and their export tables."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from slrt.cases.models import Case, Complaint
from slrt.core.labels import LABELS
from slrt.core.time import to_local
from slrt.core.pagination import paginate
from slrt.extensions import db
from slrt.referrals.models import Referral
from slrt.regions.operations import names_for
from slrt.referrals.lateness import is_late, late_condition
from slrt.reports.figures import in_period, new_since, period_cases, referral_base, scoped
from slrt.reports.filters import ReportFilter
from slrt.reports.tables import Column, Table

PAGE_SIZE = 50


def case_query(f: ReportFilter, user):
    if f.new in ("week", "month"):
        query = scoped(select(Case), f, user).where(new_since(f, f.new))
    else:
        query = period_cases(f, user)
    if f.status:
        query = query.where(Case.status == f.status)
    if f.visit_type:
        query = query.where(Case.visit_type == f.visit_type)
    if f.category is not None:
        query = query.where(Case.complaints.any(Complaint.category_id == f.category))
    return query.order_by(Case.created_at.desc(), Case.id.desc())


def referral_query(f: ReportFilter, user):
    query = referral_base(f, user)
    if f.late in ("signoff", "response", "any"):
        query = query.where(late_condition(f.today, f.late))
    elif f.measure == "signoff":
        query = query.where(in_period(Referral.decided_at, f))
    elif f.measure == "response":
        query = query.where(in_period(Referral.responded_at, f), Referral.letter_date.is_not(None))
    else:
        query = query.where(in_period(Referral.created_at, f))
    if f.agency is not None:
        query = query.where(Referral.agency_id == f.agency if f.agency else Referral.agency_id.is_(None))
    if f.programme is not None:
        query = query.where(Referral.programme_id == f.programme if f.programme else Referral.programme_id.is_(None))
    if f.rstatus:
        query = query.where(Referral.status == f.rstatus)
    if f.officer is not None:
        query = query.where(Referral.drafted_by_id == f.officer)
    return query.order_by(Referral.created_at.desc(), Referral.id.desc())


def list_query(f: ReportFilter, user):
    return referral_query(f, user) if f.kind == "referrals" else case_query(f, user)


def _with_loads(query, kind: str):
    if kind == "referrals":
        return query.options(selectinload(Referral.case).selectinload(Case.complaints),
                             selectinload(Referral.drafted_by))
    return query.options(selectinload(Case.complaints), selectinload(Case.assigned_to))


def page_of(query, kind: str, page: int):
    result = paginate(_with_loads(query, kind), page, PAGE_SIZE)
    return result.rows, result.total, result.page, result.pages


def all_rows(query, kind: str):
    return db.session.scalars(_with_loads(query, kind)).unique().all()


# ---- export tables -----------------------------------------------------------------------------------

def _local(moment):
    return to_local(moment).replace(tzinfo=None) if moment else None


def _region_names(cases) -> dict[str, str]:
    codes = set()
    for case in cases:
        codes.update({case.region_code, case.region_code[:8]})
    return names_for(codes)


def _personal_columns() -> list[Column]:
    return [Column(_("NIK"), width=19), Column(_("Nama"), width=26), Column(_("Telepon"), width=15)]


def _personal_values(case) -> list:
    return [case.person.nik, case.person.name, case.person.phone]


def case_table(cases, personal: bool, title: str) -> Table:
    from slrt.cases.models import CaseStatus, Channel, VisitType
    columns = [Column(_("Tiket"), width=12), Column(_("Tanggal daftar"), "datetime", 17),
               Column(_("Kecamatan"), width=18), Column(_("Desa/kelurahan"), width=20),
               Column(_("Jenis layanan"), width=18), Column(_("Kanal"), width=14),
               Column(_("Kategori keluhan"), width=36), Column(_("Jumlah keluhan"), "int", 10),
               Column(_("Status"), width=12), Column(_("Petugas"), width=22), Column(_("Tanggal selesai"), "datetime", 17)]
    if personal:
        columns += _personal_columns()
    places = _region_names(cases)
    rows = []
    for case in cases:
        row = [case.ticket, _local(case.created_at), places.get(case.region_code[:8], case.region_code[:8]),
               places.get(case.region_code, case.region_code), LABELS.label(VisitType, case.visit_type),
               LABELS.label(Channel, case.channel), "; ".join(c.category.name for c in case.complaints),
               len(case.complaints), LABELS.label(CaseStatus, case.status),
               case.assigned_to.full_name if case.assigned_to else "", _local(case.closed_at)]
        if personal:
            row += _personal_values(case)
        rows.append(row)
    return Table(title, columns, rows, sheet=_("Kasus"))


def referral_table(referrals, personal: bool, title: str, today) -> Table:
    from slrt.referrals.models import ReferralStatus
    columns = [Column(_("Tiket"), width=12), Column(_("Tanggal rujukan"), "datetime", 17),
               Column(_("Desa/kelurahan"), width=20), Column(_("Instansi"), width=30), Column(_("Program"), width=30),
               Column(_("Status"), width=16), Column(_("Petugas"), width=22),
               Column(_("Batas penetapan"), "date", 13), Column(_("Tanggal penetapan"), "datetime", 17),
               Column(_("Nomor surat"), width=26), Column(_("Tanggal surat"), "date", 13),
               Column(_("Batas jawaban"), "date", 13), Column(_("Tanggal jawaban"), "datetime", 17),
               Column(_("Terlambat"), width=10), Column(_("Hasil"), width=30)]
    if personal:
        columns += _personal_columns()
    places = _region_names([r.case for r in referrals])
    rows = []
    for referral in referrals:
        late = is_late(referral, today)
        row = [referral.case.ticket, _local(referral.created_at),
               places.get(referral.case.region_code, referral.case.region_code),
               referral.agency.name if referral.agency else "", referral.programme.name if referral.programme else "",
               LABELS.label(ReferralStatus, referral.status),
               referral.drafted_by.full_name if referral.drafted_by else "",
               referral.signoff_due, _local(referral.decided_at), referral.letter_number or "", referral.letter_date,
               referral.response_due, _local(referral.responded_at), _("Ya") if late else _("Tidak"),
               referral.outcome or ""]
        if personal:
            row += _personal_values(referral.case)
        rows.append(row)
    return Table(title, columns, rows, sheet=_("Rujukan"))

