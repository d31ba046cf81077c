"""/api/v1 as another system uses it: status by ticket, a case from another channel, changes since a cursor,
an agency's answers, the dashboard's figures and the registry status of a NIK; each scoped to the client's
region, answered with problem+json on error, and conditional where it reads."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from slrt.audit.models import AuditLog
from slrt.cases.models import Case
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.referrals.models import Referral, ReferralStatus
from tests.api_helpers import bearer, make_client
from tests.conftest import VALID_NIK, count

PROBLEM = "application/problem+json"


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def settled(app):
    """No settling time: a change is in the feed as soon as it is committed (the horizon has its own test)."""
    app.config["SLRT_API_SETTLE_SECONDS"] = 0


# ---- status by ticket ----------------------------------------------------------------------------------

def test_status_by_ticket_gives_the_public_steps_without_personal_data_and_answers_304_when_unchanged(
        client, admin, places, make_case):
    case = make_case(name="Ani Suryani", phone="081234567890")
    _c, token = make_client(admin, region_code=places.district)
    response = client.get(f"/api/v1/status/{case.ticket.lower()}", headers=bearer(token))
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["ticket"] == case.ticket and body["status"] == "registered"
    assert body["status_label"] == "Terdaftar" and [s["kind"] for s in body["steps"]] == ["registered"]
    text = response.get_data(as_text=True)
    assert "Ani" not in text and VALID_NIK not in text and "0812" not in text
    etag = response.headers["ETag"]
    again = client.get(f"/api/v1/status/{case.ticket}", headers={**bearer(token), "If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    from slrt.handling import operations as handling
    handling.take(db.session.get(Case, case.id), admin)
    db.session.commit()
    changed = client.get(f"/api/v1/status/{case.ticket}", headers={**bearer(token), "If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["status"] == "in_progress"


def test_unknown_tickets_are_problems_and_are_throttled_like_the_status_page(app, client, admin, places, make_case):
    app.config["SLRT_STATUS_LIMIT"] = "3 per 10 minutes"
    case = make_case()
    _c, token = make_client(admin, region_code=places.district)
    for _ in range(3):
        response = client.get("/api/v1/status/ABCDEFGH", headers=bearer(token))
        assert response.status_code == 404 and response.mimetype == PROBLEM
        assert response.get_json()["detail"] == "Tiket tidak ditemukan."
    response = client.get(f"/api/v1/status/{case.ticket}", headers=bearer(token))
    assert response.status_code == 429 and response.mimetype == PROBLEM


# ---- a case from another channel -------------------------------------------------------------------------

def _case_body(places, **changes) -> dict:
    body = {"nik": VALID_NIK, "name": "Siti Aminah", "birth_date": "1990-12-05", "sex": "P", "desa": places.desa,
            "visit_type": "service_request", "phone": "081234567890",
            "complaints": [{"category": "KESEHATAN", "description": "Kartu KIS tidak aktif saat berobat"}]}
    body.update(changes)
    return body


def test_a_case_from_another_channel_gets_a_ticket_in_the_clients_name(client, admin, places):
    api_client, token = make_client(admin, name="Aplikasi Desa Digital", permissions=("create_cases",),
                                    region_code=places.kecamatan)
    response = client.post("/api/v1/cases", json=_case_body(places), headers=bearer(token))
    assert response.status_code == 201, response.get_data(as_text=True)
    ticket = response.get_json()["ticket"]
    assert response.headers["Location"] == f"/api/v1/status/{ticket}"
    case = db.session.scalar(select(Case).where(Case.ticket == ticket))
    assert case.channel == "online" and case.created_by_id == api_client.user_id
    assert case.office_region_code == places.kecamatan and case.region_code == places.desa
    assert count(AuditLog, AuditLog.action == "case.create", AuditLog.user_id == api_client.user_id) == 1


def test_a_case_is_checked_as_at_the_counter(client, admin, places):
    _c, token = make_client(admin, permissions=("create_cases",), region_code=places.district)
    response = client.post("/api/v1/cases", json=_case_body(places, nik="1234", desa=places.other_district_desa,
                                                            complaints=[{"category": "NOPE", "description": "x"}]),
                           headers=bearer(token))
    assert response.status_code == 422 and response.mimetype == PROBLEM
    errors = response.get_json()["errors"]
    assert "nik" in errors and "desa" in errors and errors["complaints.0.category"] == ["Kode kategori tidak dikenal."]
    assert "di luar kabupaten" in " ".join(errors["desa"])
    # a mismatch with the NIK is a warning, confirmed on purpose
    mismatched = _case_body(places, sex="L")
    response = client.post("/api/v1/cases", json=mismatched, headers=bearer(token))
    assert response.status_code == 422 and "Jenis kelamin" in response.get_json()["warnings"][0]
    assert count(Case) == 0
    response = client.post("/api/v1/cases", json={**mismatched, "confirm_warnings": True}, headers=bearer(token))
    assert response.status_code == 201
    # not JSON at all
    response = client.post("/api/v1/cases", data="nik=1", headers=bearer(token))
    assert response.status_code == 400 and response.mimetype == PROBLEM


def test_the_same_idempotency_key_registers_one_case(client, admin, places):
    _c, token = make_client(admin, permissions=("create_cases",), region_code=places.district)
    headers = {**bearer(token), "Idempotency-Key": "lapor-2026-000123"}
    first = client.post("/api/v1/cases", json=_case_body(places), headers=headers)
    second = client.post("/api/v1/cases", json=_case_body(places), headers=headers)
    assert first.status_code == 201 and second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.get_json()["ticket"] == second.get_json()["ticket"] and count(Case) == 1
    other = client.post("/api/v1/cases", json=_case_body(places), headers={**bearer(token), "Idempotency-Key": "x2"})
    assert other.status_code == 201 and count(Case) == 2


# ---- changes since a cursor --------------------------------------------------------------------------------

def _all_pages(client, url, token, limit=2):
    seen, cursor = [], ""
    for _ in range(20):
        body = client.get(url, query_string={"cursor": cursor, "limit": limit}, headers=bearer(token)).get_json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return seen, cursor
    raise AssertionError("no end")


def test_changes_are_paged_by_cursor_and_a_changed_case_comes_again(client, admin, places, make_case, settled):
    # Made a minute ago: the later change must fall in a later second (MariaDB keeps whole seconds; in service the
    # settling horizon keeps the cursor behind any second still being written).
    from datetime import timedelta

    from slrt.core.time import clock_at, utcnow
    with clock_at(utcnow() - timedelta(minutes=1)):
        cases = [make_case() for _ in range(5)]
    _c, token = make_client(admin, region_code=places.district)
    seen, cursor = _all_pages(client, "/api/v1/cases/changes", token)
    assert [i["ticket"] for i in seen] == [c.ticket for c in cases]
    assert "nik" not in seen[0] and "name" not in seen[0]
    # nothing new: an empty page, the same cursor
    body = client.get("/api/v1/cases/changes", query_string={"cursor": cursor}, headers=bearer(token)).get_json()
    assert body == {"items": [], "next_cursor": cursor, "has_more": False}
    from slrt.handling import operations
    operations.take(db.session.get(Case, cases[1].id), admin)
    db.session.commit()
    body = client.get("/api/v1/cases/changes", query_string={"cursor": cursor}, headers=bearer(token)).get_json()
    assert [(i["ticket"], i["status"]) for i in body["items"]] == [(cases[1].ticket, "in_progress")]


def test_rows_sharing_one_timestamp_are_neither_lost_nor_repeated(client, admin, places, make_case, settled):
    cases = [make_case() for _ in range(5)]
    same = utcnow().replace(microsecond=0) - timedelta(minutes=1)
    db.session.execute(update(Case).values(updated_at=same))  # one second, as MariaDB keeps it
    db.session.commit()
    _c, token = make_client(admin, region_code=places.district)
    seen, _cursor = _all_pages(client, "/api/v1/cases/changes", token, limit=2)
    assert sorted(i["id"] for i in seen) == sorted(c.id for c in cases) and len(seen) == 5


def test_changes_wait_for_the_settling_horizon(app, client, admin, places, make_case):
    app.config["SLRT_API_SETTLE_SECONDS"] = 30
    old, new = make_case(), make_case()
    db.session.execute(update(Case).where(Case.id == old.id).values(updated_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    _c, token = make_client(admin, region_code=places.district)
    body = client.get("/api/v1/cases/changes", headers=bearer(token)).get_json()
    assert [i["ticket"] for i in body["items"]] == [old.ticket]  # `new` may still be in a transaction's shadow


def test_a_forged_cursor_is_refused(client, admin, places):
    _c, token = make_client(admin, region_code=places.district)
    from slrt.api.changes import encode
    referral_cursor = encode("referral", utcnow(), 1)
    for cursor in ("abc", referral_cursor):
        response = client.get("/api/v1/cases/changes", query_string={"cursor": cursor}, headers=bearer(token))
        assert response.status_code == 400 and response.mimetype == PROBLEM


# ---- scope: a client of one kecamatan reads nothing of another -----------------------------------------------

def test_a_kecamatan_client_reads_nothing_of_another_kecamatan(client, admin, places, make_case, make_user,
                                                               settled):
    from tests.referrals_helpers import referral_in
    here = make_case(region_code=places.desa)
    there = make_case(region_code=places.other_desa)
    referral_in(ReferralStatus.APPROVED, there, make_user("back_office"), make_user("supervisor"))
    _c, token = make_client(admin, permissions=("read_status", "read_aggregates"), region_code=places.kecamatan)
    # (the factory's clerk works at the district office, above the client: only the citizen's desa counts)
    body = client.get("/api/v1/cases/changes", headers=bearer(token)).get_json()
    assert [i["ticket"] for i in body["items"]] == [here.ticket]
    assert client.get("/api/v1/referrals/changes", headers=bearer(token)).get_json()["items"] == []
    assert client.get(f"/api/v1/status/{there.ticket}", headers=bearer(token)).status_code == 404
    assert client.get(f"/api/v1/status/{here.ticket}", headers=bearer(token)).status_code == 200
    figures = client.get("/api/v1/aggregates", headers=bearer(token)).get_json()
    assert figures["region"] == places.kecamatan and figures["cases"] == 1 and figures["referrals"] == 0
    outside = client.get("/api/v1/aggregates", query_string={"region": places.other_kecamatan}, headers=bearer(token))
    assert outside.get_json()["region"] == places.kecamatan and outside.get_json()["cases"] == 1


# ---- an agency answers its referrals -----------------------------------------------------------------------

@pytest.fixture
def approved_referral(make_user, make_case):
    from tests.referrals_helpers import referral_in
    officer, signer = make_user("back_office"), make_user("supervisor")
    return referral_in(ReferralStatus.APPROVED, make_case(), officer, signer)


def test_an_agency_client_answers_its_referral_once(client, admin, places, approved_referral, settled):
    from tests.referrals_helpers import agency
    api_client, token = make_client(admin, permissions=("answer_referrals", "read_status"),
                                    region_code=places.district, agency_id=agency("DINKES").id)
    feed = client.get("/api/v1/referrals/changes", headers=bearer(token)).get_json()
    assert [i["id"] for i in feed["items"]] == [approved_referral.id]
    assert feed["items"][0]["letter_number"] == approved_referral.letter_number
    url = f"/api/v1/referrals/{approved_referral.id}/answer"
    missing = client.post(url, json={"response": "completed"}, headers=bearer(token))
    assert missing.status_code == 422 and missing.get_json()["errors"] == {
        "note": ["Tuliskan hasil layanan (mis. \"PBI-JKN aktif kembali\")."]}
    headers = {**bearer(token), "Idempotency-Key": "rsud-42"}
    first = client.post(url, json={"response": "completed", "note": "PBI-JKN aktif kembali"}, headers=headers)
    assert first.status_code == 200 and first.get_json()["status"] == "completed"
    replay = client.post(url, json={"response": "completed", "note": "PBI-JKN aktif kembali"}, headers=headers)
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    again = client.post(url, json={"response": "declined", "note": "Tidak memenuhi syarat"}, headers=bearer(token))
    assert again.status_code == 409 and again.mimetype == PROBLEM
    referral = db.session.get(Referral, approved_referral.id)
    db.session.refresh(referral)
    assert referral.status == "completed" and referral.response_by_id == api_client.user_id
    assert not referral.response_on_behalf


def test_another_agencys_client_cannot_answer(client, admin, places, approved_referral):
    from tests.referrals_helpers import agency
    _c, token = make_client(admin, permissions=("answer_referrals",), region_code=places.district,
                            agency_id=agency("BPJSKES").id)
    response = client.post(f"/api/v1/referrals/{approved_referral.id}/answer", json={"response": "accepted"},
                           headers=bearer(token))
    assert response.status_code == 403 and response.mimetype == PROBLEM
    feed = client.get("/api/v1/referrals/changes", headers=bearer(token))
    assert feed.status_code == 403  # this client was not given the status reading


# ---- the registry status of a NIK ----------------------------------------------------------------------

def test_registry_status_is_scoped_and_audited_and_the_nik_never_travels_in_the_url(
        client, make_user, places, tmp_path):
    from tests.registry_helpers import family, import_file, write_csv
    rows, niks, _kk = family(places, decile="2", pbi="1")
    import_file(write_csv(tmp_path / "dtsen.csv", rows))  # (it closes the session: the admin comes after)
    admin = make_user("admin")
    _here, token = make_client(admin, permissions=("read_registry",), region_code=places.kecamatan)
    _there, other_token = make_client(admin, permissions=("read_registry",), region_code=places.other_kecamatan)
    response = client.post("/api/v1/registry/status", json={"nik": niks[0]}, headers=bearer(token))
    body = response.get_json()
    assert body["registered"] is True and body["decile"] == 2 and body["programmes"] == ["pbi"]
    assert body["extract_date"] == "2025-09-01"
    elsewhere = client.post("/api/v1/registry/status", json={"nik": niks[0]}, headers=bearer(other_token))
    assert elsewhere.get_json() == {"registered": False, "decile": None, "programmes": [], "extract_date": None}
    views = db.session.scalars(select(AuditLog).where(AuditLog.action.in_(["registry.view", "registry.check"]))).all()
    assert len(views) == 2 and all(niks[0] not in v.note for v in views)
    assert all(niks[0] not in r.note for r in db.session.scalars(select(AuditLog)))
    bad = client.post("/api/v1/registry/status", json={"nik": "3.27301E+15"}, headers=bearer(token))
    assert bad.status_code == 422 and "nik" in bad.get_json()["errors"]
    assert client.get("/api/v1/registry/status", headers=bearer(token)).status_code == 405


def test_aggregates_are_the_dashboards_figures_and_conditional(client, admin, places, make_case):
    make_case()
    make_case(visit_type="grievance")
    _c, token = make_client(admin, permissions=("read_aggregates",), region_code=places.district)
    response = client.get("/api/v1/aggregates", headers=bearer(token))
    body = response.get_json()
    assert body["cases"] == 2 and body["new_this_month"] == 2
    assert {r["key"]: r["count"] for r in body["by_visit_type"]}["grievance"] == 1
    assert {r["code"]: r["cases"] for r in body["regions"]}[places.kecamatan] == 2
    assert client.get("/api/v1/aggregates", headers={**bearer(token), "If-None-Match": response.headers["ETag"]}
                      ).status_code == 304
    # an HTTP client that takes gzip gets the compressed answer's ETag ("…:gzip") and sends that one back
    compressed = client.get("/api/v1/aggregates", headers={**bearer(token), "Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip" and compressed.headers["ETag"].endswith(':gzip"')
    assert client.get("/api/v1/aggregates", headers={**bearer(token), "Accept-Encoding": "gzip",
                                                     "If-None-Match": compressed.headers["ETag"]}).status_code == 304
    bad = client.get("/api/v1/aggregates", query_string={"period": "forever"}, headers=bearer(token))
    assert bad.status_code == 422 and bad.get_json()["errors"]["period"] == ["Pilihan tidak sah."]
