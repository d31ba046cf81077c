"""A small hand-built data set for the report tests, with answers worked out by hand (see `EXPECTED`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from slrt.admin.models import Agency, ComplaintCategory, Programme
from slrt.cases.models import Case, CaseNeed, Complaint
from slrt.core.time import local_day_bounds_utc, local_today
from slrt.extensions import db
from slrt.intake.models import Person
from slrt.referrals.models import Referral


def at_local(day: date, hour: int = 12) -> datetime:
    """Naive UTC of `hour` o'clock local time on `day`."""
    return local_day_bounds_utc(day)[0] + timedelta(hours=hour)


@dataclass
class DataSet:
    today: date
    cases: dict = field(default_factory=dict)
    referrals: dict = field(default_factory=dict)
    officers: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)

    def range_args(self) -> dict:
        return {"period": "range", "date_from": (self.today - timedelta(days=30)).isoformat(),
                "date_to": self.today.isoformat()}


def _ids(model, codes):
    return {c: db.session.scalar(select(model.id).where(model.code == c)) for c in codes}


def build(places, make_user) -> DataSet:
    today = local_today()
    ds = DataSet(today)
    ds.officers = {"bo1": make_user("back_office", username="bo_satu"), "bo2": make_user("back_office", username="bo_dua")}
    clerk = make_user("front_office", username="loket_satu")
    agencies = _ids(Agency, ["DINKES", "BPJSKES", "DISDIK"])
    programmes = _ids(Programme, ["JAMKESDA", "PBI-JKN", "PIP", "RTLH"])
    categories = _ids(ComplaintCategory, ["KESEHATAN", "PENDIDIKAN", "ADMINDUK"])
    ds.ids = {"agency": agencies, "programme": programmes, "category": categories}
    spec = {  # name: (desa, days ago, hour, status, visit type, categories, needs)
        "c1": (places.desa, 0, 9, "registered", "grievance", ["KESEHATAN"], ["JAMKESDA"]),
        "c2": (places.desa, 0, 9, "in_progress", "service_request", ["KESEHATAN", "PENDIDIKAN"], ["PBI-JKN", "PIP"]),
        "c3": (places.desa2, 10, 12, "closed", "question", ["ADMINDUK"], []),
        "c4": (places.other_desa, 10, 12, "registered", "service_request", ["KESEHATAN", "KESEHATAN"], ["PBI-JKN"]),
        "c5": (places.other_desa, 100, 12, "registered", "service_request", ["KESEHATAN"], ["RTLH"]),
        "c6": (places.other_district_desa, 0, 9, "registered", "grievance", ["KESEHATAN"], ["PBI-JKN"]),
    }
    for n, (name, (desa, ago, hour, status, visit, cats, needs)) in enumerate(spec.items(), start=1):
        person = Person(nik=f"32040541129000{n:02d}", name=f"Warga {name.upper()}", birth_date=date(1990, 12, 5),
                        sex="P", phone=f"08123456{n:04d}", region_code=desa)
        db.session.add(person)
        db.session.flush()
        case = Case(ticket=f"TST-{n:04d}", person_id=person.id, region_code=desa, office_region_code=desa[:5],
                    channel="counter", visit_type=visit, status=status, created_by_id=clerk.id,
                    created_at=at_local(today - timedelta(days=ago), hour))
        case.complaints = [Complaint(category_id=categories[c], description="uji") for c in cats]
        case.needs = [CaseNeed(programme_id=programmes[p]) for p in needs]
        db.session.add(case)
        db.session.flush()
        ds.cases[name] = case
    c = ds.cases
    d = lambda ago: today - timedelta(days=ago)  # noqa: E731
    bo1, bo2 = ds.officers["bo1"].id, ds.officers["bo2"].id
    spec_r = {  # name: case, agency, programme, status, created, decided, letter, responded, signoff due, response due, by
        "r1": (c["c3"], "DINKES", "JAMKESDA", "pending_signoff", at_local(d(9)), None, None, None, d(3), None, bo1),
        "r2": (c["c4"], "BPJSKES", "PBI-JKN", "approved", at_local(d(9)), at_local(d(8)), d(8), None, d(5), d(1), bo2),
        "r3": (c["c2"], "BPJSKES", "PBI-JKN", "completed", at_local(d(0), 10), at_local(d(0), 15), d(0),
               at_local(d(0), 16), d(0), d(5), bo1),
        "r4": (c["c3"], "DISDIK", "PIP", "declined", at_local(d(9)), at_local(d(7)), d(7), at_local(d(2)), d(5),
               d(0), bo2),
        "r5": (c["c5"], "DINKES", "RTLH", "completed", at_local(d(99)), at_local(d(98)), d(98), at_local(d(95)),
               d(97), d(90), bo1),
        "r6": (c["c6"], "DINKES", "PBI-JKN", "pending_signoff", at_local(d(9)), None, None, None, d(3), None, bo1),
    }
    for name, (case, agency, programme, status, created, decided, letter, responded, s_due, r_due, by) in spec_r.items():
        referral = Referral(case_id=case.id, agency_id=agencies[agency], programme_id=programmes[programme],
                            status=status, drafted_by_id=by, created_at=created, decided_at=decided,
                            letter_date=letter, responded_at=responded, signoff_due=s_due, response_due=r_due,
                            district_code=case.region_code[:5])
        db.session.add(referral)
        db.session.flush()
        ds.referrals[name] = referral
    db.session.commit()
    return ds
