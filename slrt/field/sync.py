"""What a device takes with it (the pull): the facilitator's assigned visits with only what each visit needs,
the district's lists, and the villages of their area. Reads only; the view audits and commits."""
from __future__ import annotations

from sqlalchemy import select

from slrt.admin import settings
from slrt.cases.models import VisitType
from slrt.core.labels import LABELS
from slrt.extensions import db
from slrt.intake.queries import choice_lists
from slrt.regions.models import Region, region_prefix_match
from slrt.regions.operations import region_index
from slrt.visits.models import HOUSING, HomeVisit, VisitStatus

# The case fields a device may change, merged field by field against the office's (see operations.push_visit).
CASE_FIELDS = ("needs", "documents")


def case_fields(case) -> dict:
    """The mergeable fields of a case as the device sees them: sorted lists, so two versions compare."""
    return {"needs": sorted(n.programme_id for n in case.needs), "documents": sorted(case.document_codes)}


def _visit(visit: HomeVisit) -> dict:
    case = visit.case
    citizen = case.citizen
    return {
        "id": visit.id, "due_date": visit.due_date.isoformat(), "note": visit.note,
        "case": {
            "id": case.id, "ticket": case.ticket, "name": citizen.name, "phone": citizen.phone,
            "address": citizen.address, "rt": citizen.rt, "rw": citizen.rw, "village_code": case.region_code,
            "village": case.region.name if case.region else "",
            "household": [{"name": m.name, "relation": m.relation,
                           "birth_date": m.birth_date.isoformat() if m.birth_date else None}
                          for m in case.person.members],
            "requests": [{"category": k.category.name, "description": k.description} for k in case.complaints],
            "earlier_findings": [{"date": (a.visit_date or a.created_at.date()).isoformat(), "findings": a.findings}
                                 for a in case.assessments],
            "base": case_fields(case),
        },
    }


def assigned_visits(user) -> list[HomeVisit]:
    return db.session.scalars(select(HomeVisit).where(HomeVisit.facilitator_id == user.id,
                                                      HomeVisit.status == VisitStatus.ASSIGNED)
                              .order_by(HomeVisit.due_date, HomeVisit.id)).all()


def area_villages(user) -> list[Region]:
    """The villages a facilitator works in: those of their kecamatan (of their district for a district one)."""
    area = user.region_code[:8] if user.region_code.count(".") >= 2 else user.region_code
    return db.session.scalars(select(Region).where(region_prefix_match(Region.code, area), Region.level == 4)
                              .order_by(Region.name)).all()


def pull_payload(user, visits: list[HomeVisit], tickets: list[str]) -> dict:
    categories, programmes, documents = choice_lists()
    return {
        "visits": [_visit(v) for v in visits],
        "lists": {
            "categories": [{"id": c.id, "name": c.name} for c in categories],
            "programmes": [{"id": p.id, "name": p.name} for p in programmes],
            "documents": [{"code": d.code, "name": d.name} for d in documents],
            "visit_types": [[v, str(t)] for v, t in LABELS.choices(VisitType)],
            # a household member's relation to the head (the registry's HUB_KRT codes), as at the counter
            "relations": [[int(v), str(t)] for v, t in LABELS.choices("Relationship")],
            "housing_aspects": list(HOUSING),  # the form's order (a JSON object's keys come sorted)
            "housing": {aspect: [[code, LABELS.label(f"Housing.{aspect}", code)] for code in codes]
                        for aspect, codes in HOUSING.items()},
        },
        "villages": [{"code": r.code, "name": r.name} for r in area_villages(user)],
        "tickets": tickets,
        # For the device's own NIK check (the counter's rules, see static/field/nik.js) and its wipe after
        # days without a sync.
        "regencies": region_index.regency_codes(),
        "district_code": settings.district_code(),
        "expire_days": settings.get_int("field_expire_days"),
    }
