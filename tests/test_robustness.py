"""Whatever lands in a query string, list pages answer with a page, never a server error."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.auth_helpers import client_for
from tests.conftest import HX

HUGE = "9" * 30
ARGS = [
    {"category": HUGE}, {"category": "-1"}, {"page": HUGE}, {"page": "-5"}, {"page": "x"},
    {"status": "nonsense"}, {"kecamatan": "99.99.99"}, {"desa": "'; --"}, {"date_from": "2026-02-30"},
    {"date_to": "31/12/99999"}, {"q": "x" * 500}, {"q": "%_%"}, {"q": "ZZZZZ-ZZZZZ"},
]


@pytest.mark.parametrize("args", ARGS, ids=[next(iter(a)) + "=" + next(iter(a.values()))[:12] for a in ARGS])
def test_case_lists_survive_any_query(app, make_user, make_case, args):
    make_case()
    client, _ = client_for(app, make_user, "back_office")
    for url in ("/kasus/", "/kasus/hari-ini"):
        for headers in ({}, HX):
            assert client.get(url, query_string=args, headers=headers).status_code == 200, (url, args)


@pytest.mark.parametrize("args", [{"page": HUGE}, {"page": "-1"}, {"action": "x" * 300}, {"page": "abc"}])
def test_audit_list_survives_any_query(app, make_user, args):
    client, _ = client_for(app, make_user, "admin")
    assert client.get("/admin/audit", query_string=args).status_code == 200


def test_huge_ids_in_paths_are_404(app, make_user):
    client, _ = client_for(app, make_user, "admin")
    for url in (f"/kasus/{HUGE}", f"/kasus/{HUGE}/tanda-terima", f"/admin/pengguna/{HUGE}"):
        assert client.get(url).status_code == 404, url


def test_admin_manages_only_accounts_under_their_region(app, make_user, places):
    client, _ = client_for(app, make_user, "admin")
    outsider = make_user("front_office", region_code=places.other_district, username="outsider")
    assert "outsider" not in client.get("/admin/pengguna").get_data(as_text=True)
    assert client.get(f"/admin/pengguna/{outsider.id}").status_code == 404
    assert client.post(f"/admin/pengguna/{outsider.id}/aktif").status_code == 404
    assert client.post(f"/admin/pengguna/{outsider.id}/reset").status_code == 404
    response = client.post("/admin/pengguna/baru", data={"username": "newone", "full_name": "Baru",
                                                         "role": "front_office", "region_code": places.other_district})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    errors = text[text.index('id="region_code-errors"'):]
    assert "di bawah wilayah Anda" in errors[:errors.index("</ul>")]  # next to the region, not a flash
    assert 'value="newone"' in text and 'value="Baru"' in text  # what was typed is kept
    assert client.post("/admin/pengguna/baru", headers={"HX-Request": "true"},
                       data={"username": "newone", "full_name": "Baru", "role": "front_office",
                             "region_code": places.other_district}).status_code == 200  # htmx swaps only a 200


@pytest.fixture
def queue_client(client, login_as):
    login_as("back_office")
    return client


@pytest.fixture
def roomy_app(make_app):
    """Login throttling out of the way: the property test sends many failed logins."""
    return make_app(SLRT_LOGIN_LIMIT="100000 per minute", SLRT_LOGIN_ADDRESS_LIMIT="100000 per minute")


# (function-scoped fixtures are shared by the examples of one test: that is what these tests want)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["q", "status", "kecamatan", "desa", "category", "date_from", "date_to",
                                        "page"]), st.text(max_size=30), max_size=5))
def test_case_queue_with_arbitrary_filters(queue_client, args):
    assert queue_client.get("/kasus/", query_string=args, headers=HX).status_code == 200


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=st.text(max_size=80), password=st.text(max_size=80), next_=st.text(max_size=40))
def test_login_form_with_arbitrary_text(roomy_app, username, password, next_):
    response = roomy_app.test_client().post("/masuk", query_string={"next": next_},
                                            data={"username": username, "password": password})
    assert response.status_code in (200, 401)
