"""Every dashboard figure against the hand-built data set of tests/reports_helpers.py (answers by hand)."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from slrt.reports import figures, needs
from slrt.reports.filters import ReportFilter
from tests import reports_helpers as h


@pytest.fixture
def ds(app, places, make_user):
    return h.build(places, make_user)


def dashboard_for(user, ds, **extra):
    f = ReportFilter.from_args(MultiDict({**ds.range_args(), **extra}), user)
    return figures.build(f, user)


def by_key(rows):
    return {r.key: r.count for r in rows}


def test_case_figures(ds, make_user):
    d = dashboard_for(make_user("supervisor"), ds)
    assert {k: v for k, v in by_key(d.by_status).items() if v} == {"registered": 2, "in_progress": 1, "closed": 1}
    assert d.total == 4
    assert by_key(d.by_visit_type) == {"question": 1, "suggestion": 0, "grievance": 1, "service_request": 2}
    cat = ds.ids["category"]
    counts = by_key(d.by_category)
    # c4 has two complaints of one category: it counts once.
    assert (counts[cat["KESEHATAN"]], counts[cat["PENDIDIKAN"]], counts[cat["ADMINDUK"]]) == (3, 1, 1)
    assert sum(counts.values()) == 5


def test_new_this_week_and_month(ds, make_user):
    d = dashboard_for(make_user("supervisor"), ds)
    first_of_month = ds.today.replace(day=1)
    assert d.new["week"] == 2            # c1, c2 today; the other district's c6 never counts
    assert d.new["month"] == 2 + (2 if ds.today - timedelta(days=10) >= first_of_month else 0)


def test_referral_figures(ds, make_user):
    d = dashboard_for(make_user("supervisor"), ds)
    a, p = ds.ids["agency"], ds.ids["programme"]
    assert d.referrals_total == 4        # r5 is outside the period, r6 in another district
    agency = {r.key: (r.count, r.cells) for r in d.by_agency}
    assert agency == {a["BPJSKES"]: (2, {"approved": 1, "completed": 1}),
                      a["DINKES"]: (1, {"pending_signoff": 1}), a["DISDIK"]: (1, {"declined": 1})}
    assert by_key(d.by_programme) == {p["PBI-JKN"]: 2, p["JAMKESDA"]: 1, p["PIP"]: 1}
    outcomes = {r.key: r.cells for r in d.outcomes}
    assert outcomes[a["BPJSKES"]] == {"completed": 1, "declined": 0, "at_agency": 1, "before_agency": 0}
    assert outcomes[a["DINKES"]]["before_agency"] == 1 and outcomes[a["DISDIK"]]["declined"] == 1
    assert d.statuses == ["pending_signoff", "approved", "completed", "declined"]   # those that occur, in order


def test_late_figures(ds, make_user):
    d = dashboard_for(make_user("supervisor"), ds)
    a = ds.ids["agency"]
    assert d.late == {"signoff": 1, "response": 1, "any": 2}      # r1 sign-off, r2 answer; r6 elsewhere
    assert by_key(d.late_by_agency) == {a["DINKES"]: 1, a["BPJSKES"]: 1}
    assert {r.label: r.count for r in d.late_by_officer} == {ds.officers["bo1"].full_name: 1,
                                                             ds.officers["bo2"].full_name: 1}


def test_service_times(ds, make_user):
    d = dashboard_for(make_user("supervisor"), ds)
    # Sign-off: r2 2 days, r3 6 hours (0.25), r4 3 days → median 2.0, P90 (nearest rank) 3.0.
    assert d.signoff == {"count": 3, "median": 2.0, "p90": 3.0}
    # Letter → answer: r3 0 days, r4 5 days → median 2.5, P90 5.0.
    assert d.response == {"count": 2, "median": 2.5, "p90": 5.0}


def test_percentile_is_nearest_rank():
    assert figures.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert figures.percentile([5], 90) == 5 and figures.percentile([], 90) is None


def test_region_drill_down(ds, make_user, places):
    user = make_user("supervisor")
    rows = {r.key: r for r in dashboard_for(user, ds).regions}
    k1, k2 = rows[places.kecamatan], rows[places.other_kecamatan]
    assert (k1.count, k1.cells["statuses"], k1.cells["referrals"], k1.cells["completed"], k1.cells["late"]) == \
        (3, {"registered": 1, "in_progress": 1, "closed": 1}, 3, 1, 1)
    assert k1.cells["signoff"]["median"] == 1.6        # median of 0.25 and 3.0 = 1.625
    assert (k2.count, k2.cells["referrals"], k2.cells["completed"], k2.cells["late"]) == (1, 1, 0, 1)
    assert sum(r.count for r in rows.values()) == 4
    # One level down: the desa of the first kecamatan.
    villages = {r.key: r.count for r in dashboard_for(user, ds, region=places.kecamatan).regions}
    assert villages[places.desa] == 2 and villages[places.desa2] == 1 and sum(villages.values()) == 3
    d = dashboard_for(user, ds, region=places.desa)
    assert d.total == 2 and d.regions == [] and d.late["any"] == 0


def test_cases_per_month(ds, make_user):
    d = dashboard_for(make_user("supervisor"), ds)
    assert len(d.per_month) == 12
    months = {r.key: r.count for r in d.per_month}
    expected: dict[str, int] = {}
    for name in ("c1", "c2", "c3", "c4", "c5"):
        day = ds.today - timedelta(days={"c1": 0, "c2": 0, "c3": 10, "c4": 10, "c5": 100}[name])
        expected[f"{day:%Y-%m}"] = expected.get(f"{day:%Y-%m}", 0) + 1
    assert {k: v for k, v in months.items() if v} == expected


def test_needs_per_village(ds, make_user, places):
    user = make_user("supervisor")
    f = ReportFilter.from_args(MultiDict(ds.range_args()), user)
    report = needs.build(f, user)
    rows = {(r.code, r.is_total): (r.needs, r.suggested, r.delivered, r.gap) for r in report.rows}
    assert rows[(places.desa, False)] == (3, 0, 1, 2)            # c1 + c2 needs; r3 delivered PBI-JKN
    assert rows[(places.other_desa, False)] == (1, 0, 0, 1)      # c4; c5 is outside the period
    assert rows[(places.kecamatan, True)] == (3, 0, 1, 2)
    assert rows[(places.other_kecamatan, True)] == (1, 0, 0, 1)
    assert (report.total.needs, report.total.delivered, report.total.gap) == (4, 1, 3)
    programmes = {r.name: (r.needs, r.delivered) for r in report.programmes}
    assert programmes["PBI-JKN / KIS (reaktivasi atau pendaftaran)"] == (2, 1)
    only = needs.build(ReportFilter.from_args(MultiDict({**ds.range_args(), "programme": str(ds.ids["programme"]["PIP"])}),
                                              user), user)
    assert only.total.needs == 1


def test_registry_seam_is_empty_without_registry():
    assert needs.registry_suggestions("32.04") == {}


def test_registry_seam_counts_suggestions(ds, make_user, places, monkeypatch):
    import types
    module = types.ModuleType("slrt.registry.suggestions")
    module.suggestion_counts = lambda code: {(places.desa2, ds.ids["programme"]["PKH"] if "PKH" in ds.ids["programme"]
                                              else ds.ids["programme"]["PIP"]): 4}
    monkeypatch.setitem(__import__("sys").modules, "slrt.registry.suggestions", module)
    user = make_user("supervisor")
    report = needs.build(ReportFilter.from_args(MultiDict(ds.range_args()), user), user)
    assert report.total.suggested == 4
    assert {r.code: r.suggested for r in report.rows if not r.is_total}[places.desa2] == 4


FIGURE_LINK = re.compile(r'<a class="figure-link" href="([^"]+)">([\d.]+)</a>')


def test_every_figure_links_to_a_list_of_that_many_rows(ds, client, login_as):
    """Follow every linked figure on the dashboard: the list behind it holds exactly that many rows."""
    login_as("supervisor")
    page = client.get("/laporan/", query_string=ds.range_args()).get_data(as_text=True)
    links = FIGURE_LINK.findall(page)
    assert len(links) >= 30
    for href, shown in set(links):
        href = unescape(href)
        listing = client.get(href)
        assert listing.status_code == 200, href
        total = re.search(r'data-total="(\d+)"', listing.get_data(as_text=True))
        assert total and int(total.group(1)) == int(shown.replace(".", "")), (href, shown)
        args = parse_qs(urlsplit(href).query)
        assert args["period"] == ["range"]


def test_each_month_bar_links_to_that_months_cases(ds, client, login_as):
    login_as("supervisor")
    page = client.get("/laporan/", query_string=ds.range_args()).get_data(as_text=True)
    bars = re.findall(r'<a href="([^"]+)" class="bar-link"><rect[^>]*><title>[^<]*: (\d+)</title>', page)
    assert bars                                            # only months with cases have a link
    for href, shown in bars:
        listing = client.get(unescape(href)).get_data(as_text=True)
        assert f'data-total="{shown}"' in listing, href
