"""The dashboard's figures as the API gives them: the same `slrt.reports.figures.build` the dashboard
page draws, for the client's region."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from slrt.core.labels import LABELS
from slrt.reports import figures
from slrt.reports.filters import ReportFilter


def aggregates_of(args: dict, user) -> dict:
    query = MultiDict({"period": args["period"], **({"region": args["region"]} if args.get("region") else {})})
    f = ReportFilter.from_args(query, user)
    d = figures.build(f, user)
    first, last = f.bounds
    return {
        "region": f.scope_region, "period_from": first, "period_to": last, "cases": d.total,
        "new_this_week": d.new["week"], "new_this_month": d.new["month"],
        "by_status": [{"key": r.key, "label": LABELS.label("CaseStatus", r.key), "count": r.count}
                      for r in d.by_status],
        "by_visit_type": [{"key": r.key, "label": LABELS.label("VisitType", r.key), "count": r.count}
                          for r in d.by_visit_type],
        "referrals": d.referrals_total, "late": d.late,
        "late_by_agency": [{"key": str(r.key), "label": r.label, "count": r.count} for r in d.late_by_agency],
        "outcomes": [{"agency": r.label, **r.cells} for r in d.outcomes],
        "regions": [{"code": r.key, "name": r.label, "cases": r.count, "referrals": r.cells["referrals"],
                     "completed": r.cells["completed"], "late": r.cells["late"]} for r in d.regions],
    }
