"""Every route of the foundation for every role, and anonymous: allowed, refused (403), or sent to log in."""
from __future__ import annotations

import pytest
from werkzeug.routing.converters import NumberConverter

from tests.auth_helpers import ROLES, client_for, is_login_redirect
from tests.conftest import HX, VALID_NIK

INTAKE_ROLES = {"front_office", "puskesos_operator", "facilitator", "back_office"}
CASE_ROLES = {"front_office", "puskesos_operator", "back_office", "supervisor", "facilitator", "admin"}
HANDLING_ROLES = {"back_office", "supervisor"}
COUNTER_ROLES = {"front_office", "puskesos_operator", "back_office", "supervisor"}

ALL = set(ROLES)
ADMIN = {"admin"}
PUBLIC = "public"

# (method, url template, who may, form data, headers). {case} = a case in the users' region, {user} = an
# account under the district, {kecamatan} = a kecamatan of the district.
ROUTES = [
    ("GET", "/", ALL, None, None),
    ("GET", "/menunggu", {"back_office", "supervisor", "agency_liaison"}, None, HX),
    ("GET", "/akun/kata-sandi", ALL, None, None),
    ("POST", "/akun/kata-sandi", ALL, {"current_password": "wrong"}, None),
    ("GET", "/pendaftaran/baru", INTAKE_ROLES, None, None),
    ("POST", "/pendaftaran/baru", INTAKE_ROLES, {"nik": "123"}, None),
    ("POST", "/pendaftaran/cek-nik", INTAKE_ROLES, {"nik": VALID_NIK}, HX),
    ("GET", "/pendaftaran/baris-anggota", INTAKE_ROLES, None, HX),
    ("GET", "/pendaftaran/baris-keluhan", INTAKE_ROLES, None, HX),
    ("GET", "/kasus/", CASE_ROLES, None, None),
    ("GET", "/kasus/hari-ini", CASE_ROLES, None, None),
    ("GET", "/kasus/{case}", CASE_ROLES, None, None),
    ("GET", "/kasus/{case}/tanda-terima", CASE_ROLES, None, None),
    ("POST", "/kasus/{case}/ambil", HANDLING_ROLES, {}, None),
    ("GET", "/kasus/{case}/ubah", COUNTER_ROLES, None, None),
    ("GET", "/kasus/{case}/keberatan", set(), None, None),  # an open case: no objection (tests/test_objection_counter.py)
    ("POST", "/pendaftaran/identitas/{case}", {"back_office"}, {"reason": "", "accept": "y"}, None),
    ("GET", "/admin/pengguna", ADMIN, None, None),
    ("GET", "/admin/pengguna/baru", ADMIN, None, None),
    ("POST", "/admin/pengguna/baru", ADMIN, {"username": ""}, None),
    ("GET", "/admin/pengguna/{user}", ADMIN, None, None),
    ("POST", "/admin/pengguna/{user}", ADMIN, {"full_name": ""}, None),
    ("POST", "/admin/pengguna/{user}/reset", ADMIN, {}, None),
    ("POST", "/admin/pengguna/{user}/aktif", ADMIN, {}, None),
    ("POST", "/admin/pengguna/{user}/reset-2fa", ADMIN, {}, None),
    ("GET", "/akun/verifikasi-dua-langkah", ALL, None, None),
    ("GET", "/akun/verifikasi-dua-langkah/aktifkan", ALL, None, None),
    ("GET", "/admin/audit", ADMIN, None, None),
    ("GET", "/wilayah/desa?kecamatan={kecamatan}", ALL, None, HX),
    ("GET", "/masuk", PUBLIC, None, None),
    ("GET", "/status", PUBLIC, None, None),
    ("POST", "/status", PUBLIC, {"ticket": "AAAAA-BBBBB"}, None),
    ("GET", "/healthz", PUBLIC, None, None),
    ("POST", "/bahasa", PUBLIC, {"lang": "id", "next": "/status"}, None),
    ("POST", "/keluar", ALL, {}, None),  # last: it ends the session
]


@pytest.fixture
def targets(make_case, make_user, places):
    case = make_case()
    other = make_user("front_office", username="target")
    return {"case": case.id, "user": other.id, "kecamatan": places.kecamatan}


def _call(client, method, template, data, headers, targets):
    url = template.format(**targets)
    return client.open(url, method=method, data=data, headers=headers or {})


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_role(role, app, make_user, targets):
    client, _user = client_for(app, make_user, role)
    wrong = []
    for method, template, allowed, data, headers in ROUTES:
        response = _call(client, method, template, data, headers, targets)
        may = allowed == PUBLIC or role in allowed
        if template == "/keluar":
            ok = response.status_code == 303 and "next=" not in response.headers["Location"]
        elif may:
            ok = response.status_code in (200, 302, 303, 422) and not is_login_redirect(response)  # 422: the form again
        else:
            ok = response.status_code == 403
        if not ok:
            wrong.append(f"{method} {template}: {response.status_code} {response.headers.get('Location', '')}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_every_route_anonymous(app, targets):
    client = app.test_client()
    wrong = []
    for method, template, allowed, data, headers in ROUTES:
        response = _call(client, method, template, data, headers, targets)
        if allowed == PUBLIC:
            ok = response.status_code in (200, 303)
        else:
            ok = is_login_redirect(response)
        if not ok:
            wrong.append(f"{method} {template}: {response.status_code}")
    assert not wrong, "; ".join(wrong)


def test_route_table_covers_every_endpoint(app):
    """A new route of the foundation must be added to the table above (and so be tested for every role)."""
    covered = set()
    adapter = app.url_map.bind("localhost")
    for method, template, _allowed, _data, _headers in ROUTES:
        path = template.format(case=1, user=1, kecamatan="32.04.01").split("?")[0]
        covered.add(adapter.match(path, method=method)[0])
    # Routes of later features (even those living in a foundation blueprint, like the district settings in
    # admin or case handling in cases) are tested for every role in their own feature's test module.
    foundation_modules = {"slrt.admin.routes", "slrt.auth.routes", "slrt.cases.routes", "slrt.core.routes",
                          "slrt.intake.routes", "slrt.public.routes", "slrt.regions.routes", "slrt.shell.routes"}
    endpoints = {endpoint for endpoint, view in app.view_functions.items()
                 if getattr(view, "__module__", "") in foundation_modules}
    assert endpoints - covered == set()


PUBLIC_ENDPOINTS = {"public.status", "core.healthz", "core.set_language", "auth.login", "static",
                    "referrals.verify",  # the letter's public verification page
                    "api.openapi", "api.reference",  # the API's document and its reference page (no data)
                    "wallboard.board",  # shows a stranger only how to connect a wall screen (tests/test_wallboard.py)
                    # the field app's manifest and service worker: no data; the browser checks them for updates
                    # with or without a session (tests/test_field_app_routes.py)
                    "field_app.manifest", "field_app.service_worker"}
# Field devices sync with their own token instead of a login (slrt.field.device_auth): 401 without one.
DEVICE_ENDPOINTS = {"field.tickets", "field.pull", "field.push", "field.photo_announce", "field.photo_part"}


def test_no_endpoint_is_open_to_anonymous_requests_by_accident(app):
    """Walk the whole URL map (every feature's routes): anything not public needs a login."""
    client = app.test_client()
    leaks = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        values = {name: (1 if isinstance(conv, NumberConverter) else "1")
                  for name, conv in rule._converters.items()}
        url = rule.build(values)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={})
            if rule.endpoint in DEVICE_ENDPOINTS and response.status_code == 401:
                continue
            token_refused = rule.endpoint.startswith("api.") and response.status_code == 401 \
                and response.mimetype == "application/problem+json"  # the API asks for its token, not a login
            if not (is_login_redirect(response) or response.status_code in (403, 405) or token_refused):
                leaks.append(f"{rule.endpoint} {method} {url}: {response.status_code}")
    assert not leaks, "; ".join(leaks)
