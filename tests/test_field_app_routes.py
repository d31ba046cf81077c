"""The field app as the portal serves it: the page only for field users, the manifest a browser installs it
from, and a service worker that may control /lapangan and keeps the shell and its files by content hash."""
from __future__ import annotations

import json

import pytest

from tests.auth_helpers import ROLES, client_for, is_login_redirect
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


def test_only_a_field_user_opens_the_app(app, make_user):
    assert is_login_redirect(app.test_client().get("/lapangan"))
    for role in ROLES:
        client, _user = client_for(app, make_user, role)
        response = client.get("/lapangan")
        assert response.status_code == (200 if role == "facilitator" else 403), role
    page = response if role == "facilitator" else client_for(app, make_user, "facilitator")[0].get("/lapangan")
    labels = json.loads(page.get_data(as_text=True).split('id="labels">')[1].split("</script>")[0])
    assert labels["pin_wrong"] == "PIN salah"
    assert "geolocation=(self)" in page.headers["Permissions-Policy"]  # GPS of a photo: refused elsewhere


def test_the_manifest_installs_the_app_at_lapangan(app):
    response = app.test_client().get("/lapangan/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert (manifest["name"], manifest["lang"], manifest["start_url"], manifest["display"]) == (
        "SLRT Lapangan Kabupaten Bandung", "id", "/lapangan", "standalone")
    assert manifest["short_name"] == "SLRT Lapangan"
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        assert app.test_client().get(icon["src"]).status_code == 200


def test_the_service_worker_controls_lapangan_and_loads_nothing_from_elsewhere(app):
    response = app.test_client().get("/lapangan/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/lapangan"
    assert response.headers["Cache-Control"] == "no-cache"  # a new version is seen at the next check
    body = response.get_data(as_text=True)
    assert "://" not in body  # no CDN: every file comes from the portal
    assert 'modulePathPrefix: "/static/vendor/workbox-7.3.0"' in body
    assert '"url": "/lapangan"' in body and '"url": "/static/vendor/idb-8.0.3/idb.umd.js"' in body
    for module in ("workbox-core", "workbox-precaching", "workbox-routing", "workbox-strategies"):
        assert app.test_client().get(f"/static/vendor/workbox-7.3.0/{module}.prod.js").status_code == 200
