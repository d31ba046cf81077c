"""Pre-counted months give the same trend as live counting, for every kind of user scope."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from slrt.extensions import db
from slrt.reports import figures
from slrt.reports.filters import ReportFilter
from slrt.reports.models import CaseMonthCount, SummarisedMonth
from slrt.reports.operations import forget_month, summarise
from tests import reports_helpers as h


def trend(user, ds, **extra):
    f = ReportFilter.from_args(MultiDict({**ds.range_args(), **extra}), user)
    return [(r.key, r.count) for r in figures.cases_per_month(f, user)]


@pytest.mark.parametrize("role,where", [("supervisor", None), ("puskesos_operator", "desa"),
                                        ("provincial_officer", None), ("supervisor", "other_district"),
                                        ("front_office", None)])
def test_summarised_months_count_what_live_counting_counts(app, places, make_user, role, where):
    ds = h.build(places, make_user)
    user = make_user(role, region_code=getattr(places, where) if where else None)
    live = trend(user, ds)
    live_kecamatan = trend(user, ds, region=places.kecamatan)
    counted = summarise()
    db.session.commit()
    assert counted and f"{ds.today:%Y-%m}" not in counted           # the current month stays live
    assert db.session.scalar(select(func.count()).select_from(SummarisedMonth)) == len(counted)
    assert trend(user, ds) == live
    assert trend(user, ds, region=places.kecamatan) == live_kecamatan


def test_summarise_skips_counted_months_and_forget_recounts(app, places, make_user):
    ds = h.build(places, make_user)
    user = make_user("supervisor")
    first = summarise()
    db.session.commit()
    assert summarise() == {}                                        # nothing new
    c5_day = ds.cases["c5"].created_at.date()
    forget_month(c5_day)
    db.session.commit()
    assert trend(user, ds) == [(k, v) for k, v in trend(user, ds)]  # still right while counted live
    again = summarise()
    db.session.commit()
    assert list(again) == [f"{c5_day:%Y-%m}"] or list(again) == [k for k in first if k == f"{c5_day:%Y-%m}"]
    assert db.session.scalar(select(func.sum(CaseMonthCount.cases))) == sum(first.values())


def test_summarise_command(app, places, make_user):
    h.build(places, make_user)
    result = app.test_cli_runner().invoke(args=["reports", "summarise"])
    assert result.exit_code == 0 and "months counted" in result.output
