"""Fast on a slow line: compressed text responses, no cookie on static files, the session cookie re-sent
only when the session changed (the 30-minute idle timeout still holding), and the public status page."""
from __future__ import annotations

import gzip
import re
import time

import brotli
import pytest

from slrt.admin.models import Setting
from slrt.extensions import db
from tests.registry_helpers import family, import_file, write_csv

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


def decoded(response) -> bytes:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    assert encoding is None, encoding
    return body


def without_tokens(html: bytes) -> bytes:
    """The CSRF token carries the second it was signed: two requests a second apart differ only there."""
    return re.sub(rb'("csrf_token" value="|"X-CSRFToken": ")[^"]+', rb"\1-", html)


def varies_on(response, header: str) -> bool:
    return header.lower() in {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}


# Compression --------------------------------------------------------------------------------------------

def test_a_staff_page_is_sent_brotli_compressed_to_a_browser_and_reads_the_same(client, login_as):
    login_as("front_office")
    plain = client.get("/kasus/hari-ini")
    packed = client.get("/kasus/hari-ini", headers=BROWSER)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers  # a client that offers nothing gets the page as it is
    assert packed.headers["Content-Encoding"] == "br"
    assert int(packed.headers["Content-Length"]) == len(packed.get_data()) < len(plain.get_data()) / 2
    assert without_tokens(decoded(packed)) == without_tokens(plain.get_data())
    assert varies_on(packed, "Accept-Encoding") and varies_on(plain, "Accept-Encoding")
    assert packed.headers["Cache-Control"] == "no-store"  # still never cached


def test_gzip_for_a_client_that_offers_only_gzip(client):
    response = client.get("/masuk", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"<form" in decoded(response)


def test_an_htmx_fragment_is_compressed_and_keeps_its_vary(client, login_as):
    login_as("front_office")
    response = client.get("/status?ticket=XXXXX", headers={**BROWSER, "HX-Request": "true"})
    assert varies_on(response, "HX-Request") and varies_on(response, "Accept-Encoding")
    assert b"<html" not in decoded(response)


@pytest.mark.parametrize("path", ["/static/css/slrt.css", "/static/vendor/htmx-2.0.11/htmx.min.js"])
def test_stylesheet_and_script_are_compressed_and_revalidate(client, path):
    plain = client.get(path)
    packed = client.get(path, headers=BROWSER)
    assert packed.headers["Content-Encoding"] == "br"
    assert decoded(packed) == plain.get_data()
    # the browser's copy is checked with the ETag of the compressed body: 304, nothing sent again
    again = client.get(path, headers={**BROWSER, "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


@pytest.mark.parametrize("offered,chosen", [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip")])
def test_a_streamed_csv_is_compressed_while_it_streams(client, login_as, places, tmp_path, offered, chosen):
    rows, _niks, _kk = family(places, decile="2")
    rows += [["12", *row[1:]] for row in rows]  # rejected: a NIK of two digits
    import_id, _progress = import_file(write_csv(tmp_path / "a.csv", rows))
    login_as("admin")
    plain = client.get(f"/registri/impor/{import_id}/ditolak.csv")
    packed = client.get(f"/registri/impor/{import_id}/ditolak.csv", headers={"Accept-Encoding": offered})
    # streamed: no length known in advance (the test client reads the stream inside the request, see conftest)
    assert "Content-Length" not in packed.headers and packed.headers["Content-Encoding"] == chosen
    assert decoded(packed) == plain.get_data()
    assert decoded(packed).decode("utf-8").startswith("\ufeffBARIS;ALASAN")
    assert packed.headers["Cache-Control"] == "no-store, private"


def test_an_image_is_sent_as_it_is(client, login_as, app, tmp_path):
    app.config["SLRT_UPLOAD_DIR"] = str(tmp_path)
    name = "logo-" + "a" * 32 + ".png"
    (tmp_path / name).write_bytes(PNG)
    db.session.add(Setting(region_code="32.04", key="letterhead_logo", value=name))
    db.session.commit()
    login_as("admin")
    response = client.get("/admin/logo", headers=BROWSER)
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert response.get_data() == PNG


def test_a_byte_range_is_never_compressed(client):
    response = client.get("/static/css/slrt.css", headers={**BROWSER, "Range": "bytes=0-99"})
    assert "Content-Encoding" not in response.headers
    assert len(response.get_data()) <= 100


def test_a_page_another_site_asked_for_is_not_compressed(client):
    """BREACH: a cross-site request carries chosen input next to the page's CSRF token; no compression."""
    response = client.get("/masuk", headers={**BROWSER, "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert varies_on(response, "Accept-Encoding")
    same_site = client.get("/masuk", headers={**BROWSER, "Sec-Fetch-Site": "same-origin"})
    assert same_site.headers["Content-Encoding"] == "br"


# The session cookie -------------------------------------------------------------------------------------

def set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


@pytest.fixture
def clock(monkeypatch):
    """Move the clock the session signer reads forward (time.time)."""
    real = time.time
    offset = {"seconds": 0.0}
    monkeypatch.setattr(time, "time", lambda: real() + offset["seconds"])

    def forward(seconds: float):
        offset["seconds"] += seconds
    return forward


STATIC = ["/static/css/slrt.css", "/static/vendor/htmx-2.0.11/htmx.min.js", "/static/js/slrt.js",
          "/static/favicon.svg"]


def test_static_files_never_set_a_cookie_for_a_visitor(client):
    for path in STATIC:
        response = client.get(path)
        assert response.status_code == 200 and set_cookies(response) == [], path
        assert "Cookie" not in response.headers.get("Vary", "")


def test_static_files_never_set_a_cookie_nor_count_as_activity_for_staff(app, client, login_as, clock):
    login_as("back_office")
    clock(20 * 60)
    for path in STATIC:  # twenty minutes after the last page: the cookie would be due for re-signing
        assert set_cookies(client.get(path, headers=BROWSER)) == [], path
    clock(11 * 60)  # static files kept loading (a cached page), but no work for 31 minutes: signed out
    assert client.get("/kasus/").status_code == 302


def test_pages_do_not_resend_an_unchanged_session_cookie(client, login_as):
    login_as("back_office")
    client.get("/kasus/")  # the first page after login puts the CSRF token in the session
    for _ in range(3):
        response = client.get("/kasus/")
        assert response.status_code == 200 and set_cookies(response) == []


def test_a_visitor_on_the_status_page_is_never_sent_a_cookie(client, make_case):
    ticket = make_case().ticket
    for path in ("/status", f"/status?ticket={ticket}", "/status?ticket=AAAAA-BBBBB", f"/status?ticket={ticket}"):
        response = client.get(path)
        assert response.status_code == 200 and set_cookies(response) == [], path
    # a visitor who switched the language keeps it in a cookie, sent once
    switched = client.post("/bahasa", data={"lang": "en", "next": "/status"})
    assert any(c.startswith("slrt_session=") for c in set_cookies(switched))
    for _ in range(3):
        again = client.get(f"/status?ticket={ticket}")
        assert '<html lang="en"' in again.get_data(as_text=True) and set_cookies(again) == []


def test_the_session_is_resent_when_it_changes(client, login_as):
    login_as("back_office")
    response = client.post("/bahasa", data={"lang": "en", "next": "/kasus/"})
    assert response.status_code in (302, 303)
    assert any(c.startswith("slrt_session=") for c in set_cookies(response))


def test_work_keeps_the_session_alive_past_thirty_minutes_and_thirty_idle_minutes_end_it(app, client, login_as,
                                                                                       clock):
    login_as("back_office")
    for _ in range(4):  # an hour of work, a page every quarter of an hour: re-signed each time
        clock(15 * 60)
        response = client.get("/kasus/")
        assert response.status_code == 200
        assert any(c.startswith("slrt_session=") for c in set_cookies(response))
    clock(30)  # half a minute later: the cookie is fresh, not sent again
    assert set_cookies(client.get("/kasus/")) == []
    clock(30 * 60 + 5)
    assert client.get("/kasus/").status_code == 302  # to the login page


# The public status lookup -------------------------------------------------------------------------------

@pytest.fixture
def closed_case(make_case, make_user):
    from slrt.handling import operations as case_ops
    case = make_case()
    officer = make_user("back_office", username="officer")
    case_ops.assign(case, officer, officer)
    for complaint in case.complaints:
        case_ops.answer_complaint(complaint, officer, "Sudah kami teruskan ke BPJS Kesehatan.")
    case_ops.close(case, officer, "Kartu KIS Anda sudah aktif kembali.")
    from slrt.cases.models import CaseEvent
    db.session.add(CaseEvent(case_id=case.id, kind="note", public=False, note="catatan internal"))
    db.session.commit()
    return case


@pytest.fixture
def statements(app, monkeypatch):
    """The SQL the portal runs, through SQLAlchemy's Connection or as a light read on the cursor
    (slrt.core.db.LightQuery), except the throttle's own (a shared counter, read on every lookup)."""
    from sqlalchemy import event

    from slrt.core.db import LightQuery
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        if "throttle_hits" not in statement and not statement.startswith(("BEGIN", "PRAGMA")):
            seen.append(statement)

    light_rows = LightQuery.rows

    def record_light(query, **params):
        record(None, None, str(query.statement))
        return light_rows(query, **params)
    event.listen(db.engine, "before_cursor_execute", record)
    monkeypatch.setattr(LightQuery, "rows", record_light)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_the_status_by_ticket_is_one_query_for_the_case_and_its_steps(app, closed_case, statements):
    ticket = closed_case.ticket
    db.session.remove()  # a fresh session, as in a real request
    app.test_client().get("/status")  # the process reads the districts' names once (district_faces)
    statements.clear()
    response = app.test_client().get("/status", query_string={"ticket": ticket})
    html = response.get_data(as_text=True)
    made = list(statements)
    assert response.status_code == 200 and ticket in html
    from slrt.cases.models import CaseEvent
    public = db.session.scalar(db.select(db.func.count()).select_from(CaseEvent).where(CaseEvent.public))
    assert 2 <= public < db.session.scalar(db.select(db.func.count()).select_from(CaseEvent))
    assert html.count("<li><time>") == public and "catatan internal" not in html
    # The case with its steps; the district the page speaks for (its host's) and its office's name come from
    # the process's copy of the districts (slrt.regions.districts.district_faces).
    assert len(made) == 1, made
    assert "case_events" in made[0] and "birth_date" not in made[0]


def test_a_light_read_gives_the_rows_sqlalchemy_gives(app, closed_case):
    """The status page's steps and the throttle's count are read on the cursor (slrt.core.db.LightQuery): the
    same rows, with the same types (a SQLite datetime's text becomes a datetime), as through SQLAlchemy."""
    from datetime import datetime

    from slrt.public.operations import _STEPS
    expected = [tuple(row) for row in db.session.execute(_STEPS.statement, {"ticket": closed_case.ticket})]
    db.session.commit()
    with app.test_request_context("/status"):
        light = _STEPS.rows(ticket=closed_case.ticket)
        assert _STEPS.rows(ticket="QQQQQ-QQQQQ") == []  # no such ticket
    assert light == expected and len(light) >= 2
    assert isinstance(light[0][3], datetime) and light[0][4] == expected[0][4]


def test_the_status_with_birth_date_checks_it_without_loading_the_household(app, closed_case, statements):
    ticket = closed_case.ticket
    db.session.remove()
    statements.clear()
    response = app.test_client().post("/status", data={"ticket": ticket, "birth_date": "1990-12-05"})
    assert "Kartu KIS Anda sudah aktif kembali." in response.get_data(as_text=True)  # the detailed view
    assert "household_members" not in " ".join(statements)
    assert "case_events" in statements[0] and "birth_date" in statements[0]


# The status page kept ready-made (slrt/core/page_cache.py) ----------------------------------------------

@pytest.fixture
def renders(app):
    """The templates rendered, by name."""
    from flask import template_rendered
    seen: list[str] = []

    def record(sender, template, context, **extra):
        seen.append(template.name)
    template_rendered.connect(record, app)
    yield seen
    template_rendered.disconnect(record, app)


def test_the_qr_page_is_rendered_once_and_a_new_step_shows_at_once(app, make_case, make_user, renders):
    from slrt.handling import operations as case_ops
    case = make_case()
    ticket, case_id = case.ticket, case.id
    visitor = app.test_client()
    first = visitor.get(f"/status?ticket={ticket}", headers=BROWSER)
    again = visitor.get(f"/status?ticket={ticket}", headers=BROWSER)
    assert first.status_code == again.status_code == 200 and decoded(first) == decoded(again)
    assert renders.count("public/status.html") == 1  # the second came ready-made
    steps_before = decoded(again).count(b"<li><time>")
    officer = make_user("back_office", username="officer")
    from slrt.cases.models import Case
    case_ops.assign(db.session.get(Case, case_id), officer, officer)
    db.session.commit()
    moved = decoded(visitor.get(f"/status?ticket={ticket}", headers=BROWSER))
    assert moved.count(b"<li><time>") == steps_before + 1
    assert renders.count("public/status.html") == 2


@pytest.mark.parametrize("offered, sent", [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("", None),
                                          ("br;q=0, gzip;q=0.5", "gzip")])
def test_the_ready_made_page_comes_in_the_encoding_offered(client, make_case, offered, sent):
    ticket = make_case().ticket
    plain = client.get(f"/status?ticket={ticket}", headers={"Accept-Encoding": ""}).get_data()
    for _ in range(2):  # made, then ready-made
        response = client.get(f"/status?ticket={ticket}", headers={"Accept-Encoding": offered})
        assert response.headers.get("Content-Encoding") == sent and decoded(response) == plain
        assert varies_on(response, "Accept-Encoding") and varies_on(response, "HX-Request")
    other_site = client.get(f"/status?ticket={ticket}", headers={**BROWSER, "Sec-Fetch-Site": "cross-site"})
    assert "Content-Encoding" not in other_site.headers and other_site.get_data() == plain


def test_a_staff_members_status_page_is_theirs_and_never_shown_to_a_visitor(app, make_case, login_as, client):
    ticket = make_case().ticket
    officer = login_as("back_office")
    staff_page = client.get(f"/status?ticket={ticket}").get_data(as_text=True)
    assert officer.full_name in staff_page and ticket in staff_page
    visitor_page = app.test_client().get(f"/status?ticket={ticket}").get_data(as_text=True)
    assert ticket in visitor_page and officer.full_name not in visitor_page and "csrf_token" not in visitor_page
    assert officer.full_name in client.get(f"/status?ticket={ticket}").get_data(as_text=True)


def test_the_page_follows_the_language_and_the_office_name_at_once(app, make_case):
    from slrt.regions.models import District
    ticket = make_case().ticket
    visitor = app.test_client()
    assert "Status:" in visitor.get(f"/status?ticket={ticket}").get_data(as_text=True)
    visitor.post("/bahasa", data={"lang": "en", "next": "/status"})
    assert '<html lang="en"' in visitor.get(f"/status?ticket={ticket}").get_data(as_text=True)
    code = app.config["SLRT_REGION_CODE"]
    district = db.session.get(District, code) or District(code=code, name=app.config["SLRT_REGION_NAME"])
    district.office_name = "Pusat Kesejahteraan Sosial Terpadu Sabilulungan"
    db.session.add(district)
    db.session.commit()
    page = app.test_client().get(f"/status?ticket={ticket}").get_data(as_text=True)
    assert page.count("Pusat Kesejahteraan Sosial Terpadu Sabilulungan") == 2  # the case's office and the footer


def test_without_the_page_cache_every_visit_renders_the_same_page(make_app, make_case):
    from flask import template_rendered
    app = make_app(SLRT_PAGE_CACHE=False)
    ticket = make_case().ticket
    seen = []

    def record(sender, template, context, **extra):
        seen.append(template.name)
    template_rendered.connect(record, app)
    pages = [decoded(app.test_client().get(f"/status?ticket={ticket}", headers=BROWSER)) for _ in range(2)]
    assert pages[0] == pages[1] and ticket.encode() in pages[0]
    assert seen.count("public/status.html") == 2
