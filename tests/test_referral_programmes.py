"""The referral form offers only the chosen agency's programmes, and the server refuses a mismatched pair."""
from __future__ import annotations

import pytest

from slrt.admin.models import Programme
from slrt.handling import operations as cases
from slrt.core.errors import DomainError
from slrt.extensions import db
from slrt.referrals import operations
from slrt.referrals.models import Referral
from tests.conftest import is_fragment
from tests.referrals_helpers import agency, fast_passwords, programme  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def handled_case(make_case, make_user):
    officer = make_user("back_office", username="bo")
    case = make_case()
    cases.take(case, officer)
    db.session.commit()
    return case, officer


def test_operation_refuses_a_programme_of_another_agency(app, handled_case):
    case, officer = handled_case
    with pytest.raises(DomainError) as refused:
        operations.draft(case, officer, agency=agency("DINKES"), programme=programme("PKH"),
                         reason="Tidak menerima PKH")
    assert refused.value.field == "programme"
    assert "Program Keluarga Harapan (PKH) bukan layanan Dinas Kesehatan" in str(refused.value.message)


def test_operation_accepts_the_agencys_own_programme_and_a_general_one(app, handled_case):
    case, officer = handled_case
    own = operations.draft(case, officer, agency=agency("DINSOS"), programme=programme("PKH"), reason="PKH")
    general = Programme(code="UMUM", name="Konsultasi umum", agency_id=None)
    db.session.add(general)
    db.session.flush()
    any_agency = operations.draft(case, officer, agency=agency("DINKES"), programme=general, reason="Konsultasi")
    db.session.commit()
    assert own.programme.code == "PKH" and any_agency.programme.code == "UMUM"


def test_editing_a_draft_to_a_mismatched_pair_is_refused(app, handled_case):
    case, officer = handled_case
    referral = operations.draft(case, officer, agency=agency("DINKES"), programme=programme("JAMKESDA"),
                                reason="Biaya berobat")
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        operations.update_draft(referral, officer, agency=agency("DISDIK"), programme=programme("JAMKESDA"),
                                reason="Biaya berobat")
    assert refused.value.field == "programme"


def test_form_with_mismatched_pair_is_shown_again_with_the_message_and_what_was_typed(app, client, login_as,
                                                                                      handled_case):
    case, _officer = handled_case
    login_as("back_office")
    response = client.post(f"/kasus/{case.id}/rujukan/baru", data={
        "agency": agency("DINKES").id, "programme": programme("PKH").id,
        "reason": "Warga minta PKH karena suaminya sakit"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "bukan layanan Dinas Kesehatan" in html
    assert "Warga minta PKH karena suaminya sakit" in html
    assert f'<option selected value="{agency("DINKES").id}">' in html
    # The programme list shows Dinas Kesehatan's programmes only.
    assert ">Jaminan kesehatan daerah / biaya berobat</option>" in html
    assert "Program Keluarga Harapan (PKH)</option>" not in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Referral)) == 0


def test_form_offers_the_saved_agencys_programmes_when_editing(app, client, login_as, handled_case):
    case, officer = handled_case
    referral = operations.draft(case, officer, agency=agency("DINKES"), programme=programme("JAMKESDA"),
                                reason="Biaya berobat")
    db.session.commit()
    login_as("back_office")
    html = client.get(f"/rujukan/{referral.id}/ubah").get_data(as_text=True)
    assert f'<option selected value="{programme("JAMKESDA").id}">' in html
    assert "Program Keluarga Harapan (PKH)</option>" not in html
    assert 'hx-get="/rujukan/program-instansi"' in html and 'hx-target="#programme"' in html


def test_programme_options_follow_the_agency(app, client, login_as):
    login_as("back_office")
    response = client.get(f"/rujukan/program-instansi?agency={agency('DUKCAPIL').id}", headers={"HX-Request": "true"})
    assert response.status_code == 200 and is_fragment(response)
    html = response.get_data(as_text=True)
    assert "KTP elektronik" in html and "Akta kelahiran" in html
    assert "PKH" not in html and "Jaminan kesehatan" not in html
    everything = client.get("/rujukan/program-instansi", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Program Keluarga Harapan (PKH) (Dinas Sosial)" in everything


def test_programme_options_without_htmx_go_to_a_page(app, client, login_as):
    login_as("front_office")
    response = client.get("/rujukan/program-instansi?agency=1")
    assert response.status_code == 303
