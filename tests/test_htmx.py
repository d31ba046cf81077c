"""htmx branches: with HX-Request a fragment, without it (or boosted, or a history restore) a full page."""
from __future__ import annotations

import pytest

from tests.auth_helpers import client_for
from tests.conftest import HX, VALID_NIK, is_fragment

BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


def varies_on_htmx(response) -> bool:
    return "HX-Request" in response.headers.get("Vary", "")


# --- pages with a swappable part: (role, method, url, data, text both branches show) ----------------------

@pytest.fixture
def setup(app, make_user, make_case):
    case = make_case()
    return {"case": case}


PAGES = [
    ("back_office", "GET", "/kasus/?status=", None, "{ticket}"),
    ("front_office", "GET", "/kasus/hari-ini", None, "{ticket}"),
    ("admin", "GET", "/admin/audit", None, "case.create"),
    (None, "GET", "/status?ticket={ticket}", None, "{ticket}"),
    (None, "POST", "/status", {"ticket": "{ticket}"}, "{ticket}"),
]


@pytest.mark.parametrize("role, method, url, data, expected", PAGES)
def test_page_or_fragment(role, method, url, data, expected, app, make_user, setup):
    if role:
        client, _ = client_for(app, make_user, role)
    else:
        client = app.test_client()
    ticket = setup["case"].ticket
    url, expected = url.format(ticket=ticket), expected.format(ticket=ticket)
    data = {k: v.format(ticket=ticket) for k, v in (data or {}).items()} or None

    fragment = client.open(url, method=method, data=data, headers=HX)
    assert fragment.status_code == 200
    assert is_fragment(fragment)
    assert expected in fragment.get_data(as_text=True)
    assert varies_on_htmx(fragment)

    page = client.open(url, method=method, data=data)
    assert page.status_code == 200
    assert b"<html" in page.data and b"</html>" in page.data
    assert expected in page.get_data(as_text=True)
    assert varies_on_htmx(page)

    for headers in (BOOSTED, RESTORE):
        full = client.open(url, method=method, data=data, headers=headers)
        assert b"<html" in full.data, headers


def test_cases_filter_fragment_is_the_rows_of_the_full_page(app, make_user, make_case):
    first, second = make_case(), make_case(nik="3204050101800011", name="Budi")
    client, _ = client_for(app, make_user, "back_office")
    rows = client.get("/kasus/?status=", headers=HX).get_data(as_text=True)
    page = client.get("/kasus/?status=").get_data(as_text=True)
    for case in (first, second):
        assert f"/kasus/{case.id}" in rows and f"/kasus/{case.id}" in page
    assert "<form" not in rows  # the filters stay in place; only the rows are swapped


# --- widgets: the fragment for htmx, the page they belong to otherwise -------------------------------------

WIDGETS = [
    ("front_office", "GET", "/wilayah/desa?kecamatan={kecamatan}", None, "<option", "/"),
    ("front_office", "POST", "/pendaftaran/cek-nik", {"nik": VALID_NIK}, "NIK sah", "/pendaftaran/baru"),
    ("front_office", "POST", "/pendaftaran/cek-nik", {"nik": "3.27301E+15"}, "spreadsheet", "/pendaftaran/baru"),
    ("front_office", "GET", "/pendaftaran/baris-anggota", None, "members-", "/pendaftaran/baru"),
    ("front_office", "GET", "/pendaftaran/baris-keluhan", None, "complaints-", "/pendaftaran/baru"),
]


@pytest.mark.parametrize("role, method, url, data, expected, fallback", WIDGETS)
def test_widget_fragment_or_its_page(role, method, url, data, expected, fallback, app, make_user, places):
    client, _ = client_for(app, make_user, role)
    url = url.format(kecamatan=places.kecamatan)
    fragment = client.open(url, method=method, data=data, headers=HX)
    assert fragment.status_code == 200
    assert is_fragment(fragment)
    assert expected in fragment.get_data(as_text=True)
    assert varies_on_htmx(fragment)

    for headers in ({}, BOOSTED, RESTORE):
        plain = client.open(url, method=method, data=data, headers=headers)
        assert plain.status_code == 303, headers
        assert plain.headers["Location"] == fallback
        assert varies_on_htmx(plain)
    page = client.open(url, method=method, data=data, follow_redirects=True)
    assert page.status_code == 200 and b"<html" in page.data


def test_village_options_list_the_kecamatans_villages(app, make_user, places):
    client, _ = client_for(app, make_user, "front_office")
    html = client.get("/wilayah/desa", query_string={"kecamatan": places.kecamatan}, headers=HX)
    assert f'value="{places.desa}"' in html.get_data(as_text=True)
    assert f'value="{places.other_desa}"' not in html.get_data(as_text=True)
    nothing = client.get("/wilayah/desa", query_string={"kecamatan": "not-a-code"}, headers=HX)
    assert nothing.status_code == 200 and places.desa not in nothing.get_data(as_text=True)


def test_new_rows_get_distinct_names(app, make_user):
    client, _ = client_for(app, make_user, "front_office")
    import re
    names = set()
    for _ in range(3):
        html = client.get("/pendaftaran/baris-anggota", headers=HX).get_data(as_text=True)
        names |= set(re.findall(r'name="(members-\d+)-name"', html))
    assert len(names) == 3


def test_error_pages_branch_too(app, make_user):
    client, _ = client_for(app, make_user, "front_office")
    fragment = client.get("/admin/pengguna", headers=HX)
    assert fragment.status_code == 403 and is_fragment(fragment) and varies_on_htmx(fragment)
    assert "Akses ditolak" in fragment.get_data(as_text=True)
    page = client.get("/admin/pengguna")
    assert page.status_code == 403 and b"<html" in page.data
    missing = client.get("/kasus/999999", headers=HX)
    assert missing.status_code == 404 and is_fragment(missing)
