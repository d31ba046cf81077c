"""Needs per village: what the citizens of each desa need (recorded at intake, plus the registry's
suggestions) against what was delivered (completed referrals for that programme), with kecamatan totals."""
from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select

from slrt.admin.models import Programme
from slrt.cases.models import Case, CaseNeed
from slrt.extensions import db
from slrt.referrals.models import Referral
from slrt.regions.operations import names_for
from slrt.reports.figures import COMPLETED, period_cases, referral_base, in_period
from slrt.reports.filters import ReportFilter


def registry_suggestions(region_code: str) -> dict[tuple[str, int], int]:
    """The seam to the registry: {(desa code, programme id): households suggested for it} under a region.

    The registry feature provides `slrt.registry.suggestions.suggestion_counts(region_code)`; until it
    exists (or when it has no such function) there are no suggestions."""
    try:
        module = importlib.import_module("slrt.registry.suggestions")
    except ImportError:
        return {}
    counter = getattr(module, "suggestion_counts", None)
    return dict(counter(region_code)) if counter else {}


@dataclass
class NeedRow:
    code: str
    name: str
    kecamatan: str = ""
    needs: int = 0
    suggested: int = 0
    delivered: int = 0
    is_total: bool = False

    @property
    def gap(self) -> int:
        return max(0, self.needs + self.suggested - self.delivered)


@dataclass
class NeedsReport:
    rows: list[NeedRow]                     # desa rows, each kecamatan followed by its total row
    programmes: list[NeedRow]               # per programme, over the whole scope
    total: NeedRow
    has_registry: bool = False
    programme_names: dict = field(default_factory=dict)


def build(f: ReportFilter, user) -> NeedsReport:
    needs_q = (period_cases(f, user, Case.region_code, CaseNeed.programme_id, func.count())
               .join(CaseNeed, CaseNeed.case_id == Case.id).group_by(Case.region_code, CaseNeed.programme_id))
    delivered_q = (referral_base(f, user, Case.region_code, Referral.programme_id, func.count(distinct(Case.id)))
                   .where(in_period(Case.created_at, f), Referral.status == COMPLETED,
                          Referral.programme_id.is_not(None))
                   .group_by(Case.region_code, Referral.programme_id))
    cells: dict[tuple[str, int], list[int]] = {}
    for code, programme, count in db.session.execute(needs_q).all():
        cells.setdefault((code, programme), [0, 0, 0])[0] += count
    suggestions = registry_suggestions(f.scope_region)
    for (code, programme), count in suggestions.items():
        cells.setdefault((code, programme), [0, 0, 0])[1] += count
    for code, programme, count in db.session.execute(delivered_q).all():
        cells.setdefault((code, programme), [0, 0, 0])[2] += count
    if f.programme:
        cells = {k: v for k, v in cells.items() if k[1] == f.programme}

    programme_names = dict(db.session.execute(select(Programme.id, Programme.name)).all())
    desa: dict[str, NeedRow] = {}
    per_programme: dict[int, NeedRow] = {}
    for (code, programme), (need, suggested, delivered) in cells.items():
        row = desa.setdefault(code, NeedRow(code, ""))
        prow = per_programme.setdefault(programme, NeedRow(str(programme), programme_names.get(programme, "")))
        for target in (row, prow):
            target.needs += need
            target.suggested += suggested
            target.delivered += delivered
    places = names_for(set(desa) | {c[:8] for c in desa})
    rows: list[NeedRow] = []
    total = NeedRow("", "", is_total=True)
    by_kecamatan: dict[str, list[NeedRow]] = {}
    for code, row in desa.items():
        row.name = places.get(code, code)
        row.kecamatan = places.get(code[:8], code[:8])
        by_kecamatan.setdefault(code[:8], []).append(row)
    for kecamatan in sorted(by_kecamatan, key=lambda c: places.get(c, c)):
        members = sorted(by_kecamatan[kecamatan], key=lambda r: r.name)
        subtotal = NeedRow(kecamatan, places.get(kecamatan, kecamatan), places.get(kecamatan, kecamatan),
                           is_total=True)
        for row in members:
            subtotal.needs += row.needs
            subtotal.suggested += row.suggested
            subtotal.delivered += row.delivered
        rows += members + [subtotal]
        total.needs += subtotal.needs
        total.suggested += subtotal.suggested
        total.delivered += subtotal.delivered
    return NeedsReport(rows=rows, programmes=sorted(per_programme.values(), key=lambda r: -r.needs), total=total,
                       has_registry=bool(suggestions) or importlib.util.find_spec("slrt.registry") is not None,
                       programme_names=programme_names)
