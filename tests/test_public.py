"""The public status page: what a ticket alone shows, what ticket + birth date shows, and what it never tells."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slrt.handling import operations as case_ops
from slrt.extensions import db
from tests.conftest import HX, VALID_NIK

WRONG_DATE = "1991-12-05"
RIGHT_DATE = "1990-12-05"
CITIZEN_MESSAGE = "Kartu KIS Anda sudah aktif kembali, silakan berobat."


@pytest.fixture
def case(make_case, make_user):
    case = make_case(phone="081234567890")
    officer = make_user("back_office", username="officer")
    case_ops.assign(case, officer, officer)  # an internal step naming staff
    for complaint in case.complaints:
        case_ops.answer_complaint(complaint, officer, "Sudah kami teruskan ke BPJS Kesehatan.")
    case_ops.close(case, officer, CITIZEN_MESSAGE)
    db.session.commit()
    return case


def result_html(response) -> str:
    """The #status-result part of a full page, or the whole htmx fragment."""
    html = response.get_data(as_text=True)
    if "<html" not in html:
        return html
    match = re.search(r'<div id="status-result">(.*?)</div>\s*(?:</main>|$)', html, re.S)
    assert match, html[-2000:]
    return match.group(1)


PERSONAL = ["Ani Suryani", VALID_NIK, "3204", "Kartu KIS tidak aktif saat berobat", "081234567890", "1990",
            "Petugas back_office", "officer"]


def test_ticket_alone_shows_status_and_steps_but_no_personal_data(app, case):
    response = app.test_client().get("/status", query_string={"ticket": case.ticket})
    assert response.status_code == 200
    part = result_html(response)
    assert case.ticket in part
    assert "Selesai" in part and "Pendaftaran diterima" in part  # the status and the dated steps
    for text in PERSONAL + [CITIZEN_MESSAGE]:
        assert text not in part, text
    page = response.get_data(as_text=True)
    for text in PERSONAL:
        assert text not in page, text


def test_ticket_and_birth_date_show_the_request_and_messages(app, case):
    response = app.test_client().post("/status", data={"ticket": case.ticket, "birth_date": RIGHT_DATE})
    part = result_html(response)
    assert "Kartu KIS tidak aktif saat berobat" in part
    assert CITIZEN_MESSAGE in part
    for text in ("Ani Suryani", VALID_NIK, "081234567890", "officer"):
        assert text not in response.get_data(as_text=True), text


@pytest.mark.parametrize("typed_date", ["05/12/1990", "05-12-1990", "1990-12-05"])
def test_birth_date_in_the_formats_people_type(app, case, typed_date):
    part = result_html(app.test_client().post("/status", data={"ticket": case.ticket, "birth_date": typed_date}))
    assert CITIZEN_MESSAGE in part


def test_wrong_birth_date_still_shows_the_status_but_no_details(app, case):
    """The ticket alone shows the status, so a wrong birth date takes nothing more away than the details;
    an unknown ticket and a malformed one look the same."""
    client = app.test_client()
    unknown_ticket = "ZZZZZ-ZZZZZ" if case.ticket != "ZZZZZ-ZZZZZ" else "YYYYY-YYYYY"
    for headers in ({}, HX):
        wrong_date = client.post("/status", data={"ticket": case.ticket, "birth_date": WRONG_DATE}, headers=headers)
        unknown = client.post("/status", data={"ticket": unknown_ticket, "birth_date": RIGHT_DATE}, headers=headers)
        malformed = client.post("/status", data={"ticket": "not a ticket!", "birth_date": RIGHT_DATE},
                                headers=headers)
        assert wrong_date.status_code == unknown.status_code == malformed.status_code == 200
        assert result_html(unknown) == result_html(malformed)
        assert "tidak cocok" in result_html(unknown)
        part = result_html(wrong_date)
        assert "Tanggal lahir tidak cocok" in part
        assert case.ticket in part and "Selesai" in part  # the status and its steps
        assert CITIZEN_MESSAGE not in wrong_date.get_data(as_text=True)
        assert "Kartu KIS tidak aktif saat berobat" not in wrong_date.get_data(as_text=True)


def test_ticket_typed_in_lower_case_and_with_spaces_works(app, case):
    client = app.test_client()
    typed = "  " + case.ticket.lower().replace("-", " ") + " "
    response = client.post("/status", data={"ticket": typed, "birth_date": RIGHT_DATE})
    assert CITIZEN_MESSAGE in result_html(response)
    squashed = case.ticket.replace("-", "").lower()
    assert case.ticket in result_html(client.get("/status", query_string={"ticket": squashed}))


def test_birth_date_is_never_taken_from_the_url(app, case):
    client = app.test_client()
    for date in (RIGHT_DATE, "05/12/1990", "garbage"):
        response = client.get("/status", query_string={"ticket": case.ticket, "birth_date": date})
        part = result_html(response)
        assert case.ticket in part  # the ticket still works
        assert CITIZEN_MESSAGE not in part
        assert "Kartu KIS tidak aktif" not in part
        assert f'value="{date}"' not in response.get_data(as_text=True)


def test_failed_lookups_are_throttled_per_address(app, case):
    client = app.test_client()
    for n in range(10):
        response = client.post("/status", data={"ticket": f"ZZZZZ-ZZZ{'23456789AB'[n]}Z"})
        assert response.status_code == 200
    throttled = client.post("/status", data={"ticket": case.ticket, "birth_date": RIGHT_DATE})
    assert throttled.status_code == 429
    html = throttled.get_data(as_text=True)
    assert "Terlalu banyak percobaan" in html and '<html lang="id"' in html
    assert CITIZEN_MESSAGE not in html
    other = app.test_client()
    response = other.post("/status", data={"ticket": case.ticket, "birth_date": RIGHT_DATE},
                          environ_base={"REMOTE_ADDR": "10.2.3.4"})
    assert response.status_code == 200 and CITIZEN_MESSAGE in response.get_data(as_text=True)


def test_guessing_one_tickets_birth_date_withholds_the_details_but_never_the_status(app, case):
    for n in range(5):  # five addresses, one wrong guess each
        response = app.test_client().post("/status", data={"ticket": case.ticket, "birth_date": f"199{n}-01-01"},
                                          environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"})
        assert response.status_code == 200
    # the same ticket typed differently is the same ticket: even the right date is not checked now
    typed = case.ticket.lower().replace("-", " ")
    response = app.test_client().post("/status", data={"ticket": typed, "birth_date": RIGHT_DATE},
                                      environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert response.status_code == 429
    part = result_html(response)
    assert CITIZEN_MESSAGE not in response.get_data(as_text=True)
    assert "Terlalu banyak tanggal lahir yang salah" in part
    assert case.ticket in part and "Selesai" in part  # the citizen still sees where their case stands
    # the ticket alone (the QR code on the receipt, or htmx) is not throttled by the guesses at all
    for headers in ({}, HX):
        plain = app.test_client().get("/status", query_string={"ticket": case.ticket}, headers=headers,
                                      environ_base={"REMOTE_ADDR": "10.0.0.98"})
        assert plain.status_code == 200
        assert "Selesai" in result_html(plain) and "Terlalu banyak" not in result_html(plain)
    fragment = app.test_client().post("/status", data={"ticket": case.ticket, "birth_date": RIGHT_DATE},
                                      headers=HX, environ_base={"REMOTE_ADDR": "10.0.0.97"})
    assert fragment.status_code == 429 and "<html" not in fragment.get_data(as_text=True)
    assert "Selesai" in fragment.get_data(as_text=True)


def test_successful_lookups_are_not_throttled(app, case):
    client = app.test_client()
    for _ in range(15):
        response = client.post("/status", data={"ticket": case.ticket, "birth_date": RIGHT_DATE})
        assert response.status_code == 200


def test_empty_or_oversized_input_is_a_form_message_not_an_error(app):
    client = app.test_client()
    empty = client.post("/status", data={"ticket": ""})
    assert empty.status_code == 200 and "Nomor tiket wajib diisi" in empty.get_data(as_text=True)
    swapped = client.post("/status", data={"ticket": "  "}, headers=HX)  # htmx swaps only the result
    assert "Nomor tiket wajib diisi" in swapped.get_data(as_text=True)
    bad_date = client.post("/status", data={"ticket": "ABCDE-FGHJK", "birth_date": "31/02/1990"}, headers=HX)
    assert "Tanggal tidak sah" in bad_date.get_data(as_text=True)
    long = client.post("/status", data={"ticket": "A" * 5000, "birth_date": "99/99/9999"})
    assert long.status_code == 200


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ticket=st.text(max_size=50), birth_date=st.text(max_size=20))
def test_anything_typed_into_the_status_form_gets_a_page(app, ticket, birth_date):
    client = app.test_client()
    for headers in ({}, HX):  # (429 once the failures of earlier examples add up: still a page)
        response = client.post("/status", data={"ticket": ticket, "birth_date": birth_date}, headers=headers)
        assert response.status_code in (200, 429)
        assert "Cek Status" in response.get_data(as_text=True) or "<section" in response.get_data(as_text=True)
        assert client.get("/status", query_string={"ticket": ticket}, headers=headers).status_code in (200, 429)


@pytest.fixture
def referred_case(make_case, make_user):
    """A case referred to Dinas Kesehatan, whose answer is on record (a health need, by the agency's name)."""
    from slrt.referrals.models import ReferralStatus
    from tests.referrals_helpers import referral_in
    case = make_case()
    referral = referral_in(ReferralStatus.ACCEPTED, case, make_user("back_office"), make_user("supervisor"))
    return case, referral


def test_ticket_alone_tells_the_steps_without_naming_the_agency(app, referred_case):
    """"Dinas Kesehatan" hints at a health need: with the ticket alone only the steps, in general words."""
    case, referral = referred_case
    agency = referral.agency.name
    part = result_html(app.test_client().get("/status", query_string={"ticket": case.ticket}))
    assert "Dirujuk, surat rujukan terbit" in part and "Rujukan diterima instansi" in part
    assert agency not in part
    detailed = result_html(app.test_client().post("/status", data={"ticket": case.ticket,
                                                                   "birth_date": RIGHT_DATE}))
    assert agency in detailed  # with the birth date the citizen sees where the case went


def test_verification_page_shows_initials_and_the_niks_last_four_digits(app, referred_case):
    """The agency's desk can match the letter to the KTP of the person holding it, and learns nothing more."""
    _case, referral = referred_case
    page = app.test_client().get(f"/verifikasi/{referral.verification_code}").get_data(as_text=True)
    assert referral.letter_number in page
    assert re.search(r'class="holder-initials">A\. S\.<', page)
    assert re.search(r'class="holder-nik">[^<0-9]*0001<', page)
    for text in ("Ani Suryani", "Suryani", VALID_NIK, VALID_NIK[:12], "1990"):
        assert text not in page, text


@pytest.mark.parametrize("name, expected", [("Ani Suryani", "A. S."), ("Sukarno", "S."), ("", ""),
                                            ("  siti  nurhaliza binti ahmad ", "S. N. B. A.")])
def test_initials(name, expected):
    from slrt.referrals.verification import initials
    assert initials(name) == expected
