"""Indexes the reports need on other features' tables (declared here so the schema and the metadata agree).

Measured on 1,000,000 cases (bench/reports_bench.py): every dashboard figure filters cases by registration
time and the user's region and groups by status or visit type, so one index holds all of it and the
counts never touch the table; late referrals are "not decided (or not answered) and past the due date",
which these composite indexes find without scanning every referral ever sent."""
from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from slrt.cases.models import Case, Complaint
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.referrals.models import Referral

CASE_PERIOD = Index("ix_cases_report_period", Case.created_at, Case.region_code, Case.office_region_code,
                    Case.status, Case.visit_type)
COMPLAINT_CATEGORY = Index("ix_complaints_case_category", Complaint.case_id, Complaint.category_id)
REFERRAL_PERIOD = Index("ix_referrals_report_period", Referral.created_at, Referral.case_id, Referral.agency_id,
                        Referral.programme_id, Referral.status)
# Also covering for the service times (decided in the period → the case's registration; answered in the period
# → the letter's date), which read these columns and the case id only.
REFERRAL_SIGNOFF_LATE = Index("ix_referrals_signoff_late", Referral.decided_at, Referral.signoff_due,
                              Referral.case_id)
REFERRAL_RESPONSE_LATE = Index("ix_referrals_response_late", Referral.responded_at, Referral.response_due,
                               Referral.letter_date, Referral.case_id)


class CaseMonthCount(db.Model):
    """Pre-counted cases per local month, desa and office, for the months that are over: the "cases per
    month" trend reads 12 months (a third of a million cases at 1M/3 years) and may not scan them on every
    dashboard. Filled by `flask reports summarise` (nightly); months not summarised are counted live."""

    __tablename__ = "report_case_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)          # local month, 2026-10
    region_code: Mapped[str] = mapped_column(String(13), primary_key=True)   # the citizen's desa
    office_region_code: Mapped[str] = mapped_column(String(13), primary_key=True)
    cases: Mapped[int] = mapped_column(Integer, default=0)


class SummarisedMonth(db.Model):
    """A month whose counts are in CaseMonthCount (and when they were counted)."""

    __tablename__ = "report_summarised_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    counted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
