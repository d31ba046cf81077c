"""Every reports route for every role (allowed and refused), anonymous users, and both htmx branches."""
from __future__ import annotations

import pytest

from tests.conftest import ROLE_REGION, is_fragment

ALL_ROLES = sorted(ROLE_REGION)
REPORTS = {"back_office", "supervisor", "admin", "puskesos_operator", "provincial_officer"}
LISTS = REPORTS - {"provincial_officer"}
CASE_QUEUE = {"front_office", "puskesos_operator", "back_office", "supervisor", "facilitator", "admin"}

ROUTES = [
    ("/laporan/", REPORTS),
    ("/laporan/dasbor.xlsx", REPORTS),
    ("/laporan/dasbor.csv", REPORTS),
    ("/laporan/daftar", LISTS),
    ("/laporan/daftar?kind=referrals&late=any", LISTS),
    ("/laporan/daftar.xlsx", LISTS),
    ("/laporan/daftar.csv?kind=referrals", LISTS),
    ("/laporan/antrean-kasus.xlsx", CASE_QUEUE),
    ("/laporan/antrean-kasus.csv", CASE_QUEUE),
    ("/laporan/kebutuhan", REPORTS),
    ("/laporan/kebutuhan.xlsx", REPORTS),
    ("/laporan/kebutuhan.csv", REPORTS),
    ("/laporan/bulanan", REPORTS),
    ("/laporan/bulanan.pdf", REPORTS),
    ("/laporan/bulanan.xlsx", REPORTS),
    ("/laporan/bulanan.csv", REPORTS),
]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_route_for_every_role(client, login_as, role):
    login_as(role)
    for url, allowed in ROUTES:
        response = client.get(url)
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, (role, url, response.status_code)


def test_anonymous_is_sent_to_login(client):
    for url, _ in ROUTES:
        response = client.get(url)
        assert response.status_code in (302, 303) and "/masuk" in response.headers["Location"], url


def test_unknown_format_is_404(client, login_as):
    login_as("supervisor")
    for url in ("/laporan/dasbor.pdf", "/laporan/daftar.exe", "/laporan/bulanan.doc", "/laporan/kebutuhan.pdf",
                "/laporan/antrean-kasus.pdf"):
        assert client.get(url).status_code == 404, url


def test_menu_shows_reports_to_report_roles_only(client, login_as):
    login_as("supervisor")
    page = client.get("/laporan/").get_data(as_text=True)
    assert 'href="/laporan/"' in page and 'href="/laporan/kebutuhan"' in page and 'href="/laporan/bulanan"' in page


@pytest.mark.parametrize("url,fragment_marker", [
    ("/laporan/?period=last_month", 'id="by-status"'),
    ("/laporan/daftar?status=registered", 'id="list-summary"'),
    ("/laporan/kebutuhan?period=this_month", 'id="needs-villages"'),
])
def test_htmx_gets_a_fragment_and_a_plain_request_the_full_page(client, login_as, url, fragment_marker):
    login_as("supervisor")
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and is_fragment(fragment)
    assert fragment_marker in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers.get("Vary", "")
    page = client.get(url)
    assert not is_fragment(page) and fragment_marker in page.get_data(as_text=True)
    boosted = client.get(url, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert not is_fragment(boosted)


def test_bad_period_input_is_never_a_500(client, login_as):
    login_as("supervisor")
    for query in ("period=range&date_from=2026-13-40", "period=range&date_from=2026-05-01&date_to=2026-04-01",
                  "period=nonsense", "region=99.99", "category=abc&agency=-1", "page=abc"):
        assert client.get("/laporan/?" + query).status_code == 200, query
        assert client.get("/laporan/daftar?" + query).status_code == 200, query
    page = client.get("/laporan/?period=range&date_from=2026-05-01&date_to=2026-04-01").get_data(as_text=True)
    assert "Tanggal akhir sebelum tanggal awal" in page
    assert client.get("/laporan/bulanan?month=2026-99").status_code == 200


def test_case_queue_offers_its_export_with_the_same_filters(client, login_as):
    login_as("back_office")
    page = client.get("/kasus/?status=closed").get_data(as_text=True)
    assert "/laporan/antrean-kasus.xlsx?status=closed" in page and "/laporan/antrean-kasus.csv?status=closed" in page


def test_dashboard_text_has_no_broken_placeholders(client, login_as):
    login_as("supervisor")
    page = client.get("/laporan/").get_data(as_text=True)
    assert "90% rujukan" in page and "{}" not in page
