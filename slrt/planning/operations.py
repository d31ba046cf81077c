"""The district's local programmes: every change as one function (audited, flushed, not committed)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from slrt.audit.operations import record
from slrt.core.errors import DomainError, TransitionError
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.planning.models import PLAN_TRANSITIONS, FundingSource, LocalProgramme, PlanStatus


@dataclass
class PlanData:
    programme_id: int
    budget_year: int
    funding_source: str
    quota: int
    unit_cost: int
    eligibility: str = ""


def _check(data: PlanData) -> None:
    if data.funding_source not in set(FundingSource):
        raise DomainError(_l("Pilih sumber dana dari daftar."))
    if data.quota < 0 or data.unit_cost < 0:
        raise DomainError(_l("Kuota dan biaya satuan tidak boleh negatif."))


def create_plan(data: PlanData, region_code: str, user) -> LocalProgramme:
    _check(data)
    if db.session.scalar(select(LocalProgramme.id).where(
            LocalProgramme.region_code == region_code, LocalProgramme.programme_id == data.programme_id,
            LocalProgramme.budget_year == data.budget_year)):
        raise DomainError(gettext("Program ini sudah punya anggaran tahun %(year)d. Ubah yang sudah ada.",
                                  year=data.budget_year))
    plan = LocalProgramme(region_code=region_code, created_by_id=user.id, status=PlanStatus.PLANNED, **vars(data))
    db.session.add(plan)
    db.session.flush()
    record("planning.create", plan, user=user, note=f"programme {data.programme_id} {data.budget_year} "
                                                    f"{data.funding_source} quota {data.quota} at {data.unit_cost}")
    return plan


def update_plan(plan: LocalProgramme, data: PlanData, user) -> None:
    """Change the quota, unit cost, source or eligibility (the programme and year stay)."""
    _check(data)
    if plan.status == PlanStatus.CLOSED:
        raise TransitionError(_l("Program yang sudah ditutup tidak dapat diubah."))
    before = f"quota {plan.quota} at {plan.unit_cost} {plan.funding_source}"
    plan.funding_source, plan.quota, plan.unit_cost = data.funding_source, data.quota, data.unit_cost
    plan.eligibility, plan.updated_at = data.eligibility.strip(), utcnow()
    record("planning.update", plan, user=user, note=f"{before} -> quota {plan.quota} at {plan.unit_cost} "
                                                    f"{plan.funding_source}")
    db.session.flush()


def move_plan(plan: LocalProgramme, target: PlanStatus, user) -> None:
    """Adopt (the quota starts counting referrals) or close a budget line; one of two clicks at once moves it."""
    PLAN_TRANSITIONS.check(plan.status, target)
    moved = db.session.execute(update(LocalProgramme).where(
        LocalProgramme.id == plan.id, LocalProgramme.status.in_(PLAN_TRANSITIONS.sources(target)))
        .values(status=target, updated_at=utcnow())).rowcount
    if moved != 1:
        raise TransitionError(_l("Program ini baru saja diubah orang lain."))
    record(f"planning.{target}", plan, user=user)
    db.session.flush()
