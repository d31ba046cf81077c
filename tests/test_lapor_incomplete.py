"""Reports SP4N-LAPOR! sent without usable data: kept by the sync, listed as "belum lengkap", completed by
the back office with the counter's checks, and made a case (channel LAPOR!, tracking ID) once."""
from __future__ import annotations

import re

from slrt.audit.models import AuditLog
from slrt.cases.models import Case
from slrt.extensions import db
from slrt.lapor.models import LaporReport, LaporStatus
from slrt.notifications.models import OutboxMessage
from tests.conftest import count, log_in
from tests.lapor_helpers import FakeLapor, report
from tests.test_lapor import app_with, nik, run_sync
from tests.test_once import form_id


def test_an_incomplete_report_is_listed_completed_and_made_a_case_once(make_app, make_user, places):
    incomplete = report("LPR0000009", "99.99.99.9999", nik="12345")  # no valid NIK, no village of the district
    incomplete["pelapor"]["nama"] = "Budi <b>Santoso</b>"
    with FakeLapor([incomplete]) as fake, app_with(make_app, fake) as application:
        result = run_sync(application, make_user)
        assert result.needs_data == ["LPR0000009"] and result.error == "" and count(Case) == 0
        entry = db.session.scalar(db.select(LaporReport))
        officer = make_user("back_office")
        client = application.test_client()
        log_in(client, officer.username)
        listing = client.get("/lapor/belum-lengkap").get_data(as_text=True)
        assert "LPR0000009" in listing and f"/lapor/{entry.id}/lengkapi" in listing
        page = client.get(f"/lapor/{entry.id}/lengkapi").get_data(as_text=True)
        assert "Sejak tiga bulan bantuan PKH" in page and "Budi &lt;b&gt;Santoso&lt;/b&gt;" in page

        from tests.intake_helpers import category_id
        data = {"nik": "3204054512", "name": "Budi Santoso", "birth_date": "1990-12-05", "sex": "P",
                "phone": "081234567890", "desa": places.desa, "category": str(category_id("LAINNYA")),
                "form_id": form_id()}
        refused = client.post(f"/lapor/{entry.id}/lengkapi", data=data)
        assert refused.status_code == 422 and "Budi Santoso" in refused.get_data(as_text=True)
        assert count(Case) == 0
        data["nik"] = nik(9)
        first = client.post(f"/lapor/{entry.id}/lengkapi", data=data)
        second = client.post(f"/lapor/{entry.id}/lengkapi", data=data)  # the same form again
        again = client.post(f"/lapor/{entry.id}/lengkapi", data=dict(data, form_id=form_id()))  # another form
        assert first.status_code == 303 and second.status_code == 303 and again.status_code == 422
        case = db.session.scalar(db.select(Case))
        assert count(Case) == 1 and first.headers["Location"].endswith(f"/{case.id}")
        assert case.channel == "lapor" and "SP4N-LAPOR! LPR0000009" in case.note
        assert case.region_code == places.desa and case.person.nik == nik(9)
        db.session.expire_all()
        entry = db.session.get(LaporReport, entry.id)
        assert entry.status == LaporStatus.RECEIVED and entry.case_id == case.id and entry.pulled is None
        assert count(AuditLog, AuditLog.action == "lapor.completed") == 1
        assert count(OutboxMessage, OutboxMessage.kind == "lapor_ack") == 1
        assert "LPR0000009" not in client.get("/lapor/belum-lengkap").get_data(as_text=True)


def test_the_front_office_reads_the_list_but_cannot_complete(make_app, make_user, places):
    with FakeLapor([report("LPR0000001", places.desa, nik="1")]) as fake, app_with(make_app, fake) as application:
        run_sync(application, make_user)
        entry = db.session.scalar(db.select(LaporReport))
        clerk = make_user("front_office")
        client = application.test_client()
        log_in(client, clerk.username)
        listing = client.get("/lapor/belum-lengkap").get_data(as_text=True)
        assert "LPR0000001" in listing and "/lengkapi" not in listing
        assert client.get(f"/lapor/{entry.id}/lengkapi").status_code == 403
        assert re.search(r"Data pelapor kurang", client.get("/lapor/").get_data(as_text=True))


def test_a_category_the_district_does_not_know_waits_for_the_back_office(make_app, make_user, places):
    known = report("LPR0000001", places.desa, nik=nik(1), kategori="kesehatan")  # the code, in any case
    unknown = report("LPR0000002", places.desa, nik=nik(2), kategori="Pariwisata")
    with FakeLapor([known, unknown]) as fake, app_with(make_app, fake) as application:
        from slrt.lapor.operations import sync
        from tests.intake_helpers import category_id
        from tests.test_lapor import HttpLaporClient
        actor = make_user("back_office", username="lapor")
        client = HttpLaporClient(application.config["SLRT_LAPOR_URL"], application.config["SLRT_LAPOR_TOKEN"],
                                 timeout=5, env="test")
        result = sync(client, actor, None)  # SLRT_LAPOR_CATEGORY set but empty: no fallback
        assert len(result.created) == 1 and result.needs_data == ["LPR0000002"]
        case = db.session.scalar(db.select(Case))
        assert case.complaints[0].category_id == category_id("KESEHATAN")
        waiting = db.session.scalar(db.select(LaporReport).where(LaporReport.tracking_id == "LPR0000002"))
        assert "kategori" in waiting.problem and waiting.case_id is None


def test_another_districts_back_office_never_sees_an_incomplete_report(make_app, make_user, places):
    """An incomplete report has no case to scope it by; it stays with the district whose account pulled it."""
    with FakeLapor([report("LPR0000007", "99.99.99.9999", nik="12")]) as fake, \
            app_with(make_app, fake) as application:
        run_sync(application, make_user)
        entry = db.session.scalar(db.select(LaporReport))
        assert entry.district_code == places.district
        outsider = make_user("back_office", region_code=places.other_district, username="bo_kota")
        client = application.test_client()
        log_in(client, outsider.username)
        listing = client.get("/lapor/belum-lengkap")
        assert listing.status_code == 200 and "LPR0000007" not in listing.get_data(as_text=True)
        assert client.get(f"/lapor/{entry.id}/lengkapi").status_code == 404
