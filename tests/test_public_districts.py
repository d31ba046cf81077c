"""The public side of a database hosting several districts: a page opened without signing in speaks for the
district whose host name it was opened on (else the configured one), a letter's verification names the office
that issued the letter, and a WhatsApp message is answered by the district whose number it was sent to."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import event

from slrt.auth.models import User
from slrt.extensions import db
from slrt.regions.districts import district_for_host, district_for_whatsapp, normal_host, normal_whatsapp
from slrt.regions.models import District
from tests.conftest import log_in
from tests.test_districts import second  # noqa: F401  (district B, Kota Bandung, with its own lists and admin)

HOST_A = "slrt.bandungkab.example"
HOST_B = "slrt.kotabandung.example"
OFFICE_A = "SLRT Dinas Sosial Kabupaten Bandung"  # the configured district's office (TestConfig)
OFFICE_B = "SLRT Dinas Sosial Kota Bandung"       # made from district B's name: its row names no office
NUMBER_A = "6282111110001"
NUMBER_B = "6282222220002"


@pytest.fixture
def hosts(app, second, places):  # noqa: F811
    """District A (configured) on HOST_A and NUMBER_A, district B on HOST_B and NUMBER_B, set on their rows."""
    first = db.session.get(District, places.district)
    if first is None:
        first = District(code=places.district, name="Kabupaten Bandung", active=True)
        db.session.add(first)
    first.public_host, first.whatsapp_number = HOST_A, NUMBER_A
    second.public_host, second.whatsapp_number = HOST_B, NUMBER_B
    db.session.commit()
    return first, second


def footer(page: str) -> str:
    return page.split('<footer class="footer no-print">', 1)[1].split("</footer>", 1)[0].strip()


def test_host_and_number_are_normalised_before_they_pick_a_district(hosts, places):
    assert normal_host("SLRT.KotaBandung.Example:8443") == HOST_B
    assert normal_host("slrt.kotabandung.example.") == HOST_B
    assert normal_host("[::1]:5000") == "[::1]"
    assert normal_whatsapp("+62 822-2222-0002") == NUMBER_B
    assert normal_whatsapp("0822 2222 0002") == NUMBER_B
    assert district_for_host("SLRT.KotaBandung.Example:8443") == places.other_district
    assert district_for_host(HOST_A) == places.district
    assert district_for_whatsapp("0822-2222-0002") == places.other_district
    assert district_for_whatsapp("+6282111110001") == places.district
    for unknown in ("", None, "localhost", "kotabandung.example"):
        assert district_for_host(unknown) is None
    assert district_for_whatsapp("6281234567890") is None and district_for_whatsapp("") is None


def test_an_inactive_district_no_longer_speaks_for_its_host_or_number(hosts, places):
    _first, second_row = hosts
    second_row.active = False
    db.session.commit()
    assert district_for_host(HOST_B) is None and district_for_whatsapp(NUMBER_B) is None


@pytest.mark.parametrize("path", ["/masuk", "/status", "/halaman-yang-tidak-ada"])
def test_anonymous_pages_name_the_office_of_the_host_they_are_opened_on(app, hosts, path):
    client = app.test_client()
    on_b = client.get(path, base_url=f"http://{HOST_B}").get_data(as_text=True)
    assert footer(on_b) == OFFICE_B
    assert "<span>Kota Bandung</span>" in on_b  # the district named in the top bar
    on_b_with_port = client.get(path, base_url="http://SLRT.KotaBandung.example:8443").get_data(as_text=True)
    assert footer(on_b_with_port) == OFFICE_B
    on_a = client.get(path, base_url=f"http://{HOST_A}").get_data(as_text=True)
    assert footer(on_a) == OFFICE_A and "<span>Kabupaten Bandung</span>" in on_a


@pytest.mark.parametrize("host", ["localhost", "slrt.unknown.example", "203.0.113.7:8000"])
def test_an_unknown_host_gets_the_configured_district(app, hosts, host):
    page = app.test_client().get("/masuk", base_url=f"http://{host}").get_data(as_text=True)
    assert footer(page) == OFFICE_A and "Kota Bandung" not in page


def test_the_district_row_office_name_is_shown_on_its_host(app, hosts):
    _first, second_row = hosts
    second_row.office_name = "UPT Layanan Sosial Terpadu Kota Bandung"
    db.session.commit()
    page = app.test_client().get("/masuk", base_url=f"http://{HOST_B}").get_data(as_text=True)
    assert footer(page) == "UPT Layanan Sosial Terpadu Kota Bandung"


def test_a_signed_in_user_sees_their_own_district_whatever_the_host(app, hosts, make_user):
    client = app.test_client()
    make_user("front_office", username="clerka")
    assert log_in(client, "clerka", base_url=f"http://{HOST_B}").status_code == 303
    page = client.get("/masuk", base_url=f"http://{HOST_B}", follow_redirects=True).get_data(as_text=True)
    assert footer(page) == OFFICE_A


class Statements:
    """The SQL statements the app's engine runs while it is open."""

    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, conn, cursor, statement, *args):
        self.seen.append(statement)

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self)

    def naming(self, word: str) -> list[str]:
        return [s for s in self.seen if word in s]


def test_the_host_costs_no_query_per_page_and_none_for_static_files_or_signed_in_users(app, hosts, make_user):
    client = app.test_client()
    with Statements() as first:
        assert client.get("/masuk", base_url=f"http://{HOST_B}").status_code == 200
    assert len(first.naming("districts")) <= 1  # the process's copy of the districts, read at most once
    with Statements() as anonymous:
        page = client.get("/masuk", base_url=f"http://{HOST_B}").get_data(as_text=True)
    assert anonymous.naming("districts") == [] and "Kota Bandung" in page
    with Statements() as static:
        assert client.get("/static/css/slrt.css", base_url=f"http://{HOST_B}").status_code == 200
    assert static.seen == []
    make_user("front_office", username="clerka")
    assert log_in(client, "clerka", base_url=f"http://{HOST_B}").status_code == 303
    with Statements() as signed_in:
        assert client.get("/", base_url=f"http://{HOST_B}").status_code == 200
    assert signed_in.naming("districts.public_host =") == []


def _letter(make_case, make_user, district: str, desa: str, suffix: str):
    """An approved referral letter of a case registered in `district` by that district's staff."""
    from slrt.referrals.models import ReferralStatus
    from slrt.regions.districts import working_in
    from tests.referrals_helpers import referral_in
    from slrt.admin import settings
    with working_in(district):
        clerk = make_user("front_office", region_code=district, username=f"fo{suffix}")
        # Each district numbers its letters in its own pattern here, so the two letters differ by number too
        # (with the starting pattern both first letters read the same: see the test below).
        settings.put("letter_pattern", "460/{seq:04d}/" + suffix.upper() + "/{year}", clerk)
        db.session.commit()
        case = make_case(region_code=desa, clerk=clerk)
        return referral_in(ReferralStatus.APPROVED, case, make_user("back_office", region_code=district,
                                                                    username=f"bo{suffix}"),
                           make_user("supervisor", region_code=district, username=f"sv{suffix}"))


def issuer(page: str) -> str:
    return page.split("<dt>Diterbitkan oleh</dt><dd>", 1)[1].split("</dd>", 1)[0]


def test_a_letter_is_verified_as_issued_by_its_own_districts_office_on_any_host(app, hosts, make_case, make_user,
                                                                                places):
    letter_a = _letter(make_case, make_user, places.district, places.desa, "a")
    letter_b = _letter(make_case, make_user, places.other_district, places.other_district_desa, "b")
    assert letter_b.case.office_region_code.startswith(places.other_district)
    client = app.test_client()
    for host in (HOST_A, HOST_B, "localhost"):
        page_b = client.get(f"/verifikasi/{letter_b.verification_code}", base_url=f"http://{host}")
        assert page_b.status_code == 200 and issuer(page_b.get_data(as_text=True)) == OFFICE_B, host
        assert letter_b.letter_number in page_b.get_data(as_text=True)
        page_a = client.get(f"/verifikasi/{letter_a.verification_code}", base_url=f"http://{host}")
        assert page_a.status_code == 200 and issuer(page_a.get_data(as_text=True)) == OFFICE_A, host
    # The page's own footer still speaks for the host it was opened on.
    assert footer(client.get(f"/verifikasi/{letter_b.verification_code}",
                             base_url=f"http://{HOST_A}").get_data(as_text=True)) == OFFICE_A


# ---- WhatsApp: the number written to picks the district ------------------------------------------------------

WA_SECRET = "app-secret-rahasia"
ID_A, ID_B = "100000000000001", "200000000000002"  # the Cloud API ids of NUMBER_A and NUMBER_B
CITIZEN = "6281234567890"


def wa_post(client, text: str, to_number: str, to_id: str, sender: str = CITIZEN):
    import hashlib
    import hmac
    import json
    message_id = f"wamid.PD{next(_ids)}"
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": to_number, "phone_number_id": to_id},
            "contacts": [{"profile": {"name": "Ani"}, "wa_id": sender}],
            "messages": [{"from": sender, "id": message_id, "timestamp": "1764300000", "type": "text",
                          "text": {"body": text}}]}}]}]}).encode()
    signature = "sha256=" + hmac.new(WA_SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = client.post("/wa/webhook", data=body, headers={"Content-Type": "application/json",
                                                               "X-Hub-Signature-256": signature})
    assert response.status_code == 200
    return _last_answer()


_ids = itertools.count(1)


def _last_answer():
    from slrt.notifications.models import OutboxMessage
    db.session.expire_all()
    return db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "wa_auto")
                             .order_by(OutboxMessage.id.desc()))


def _case_in(make_case, make_user, district: str, desa: str, suffix: str):
    from slrt.regions.districts import working_in
    with working_in(district):
        return make_case(region_code=desa, clerk=make_user("front_office", region_code=district,
                                                           username=f"wa{suffix}"))


def test_the_menu_names_the_office_of_the_number_written_to(app, hosts):
    app.config["SLRT_WA_APP_SECRET"] = WA_SECRET
    client = app.test_client()
    to_b = wa_post(client, "Selamat siang", "+62 822-2222-0002", ID_B, sender="6281200000001")
    assert to_b.body.splitlines()[0].startswith(OFFICE_B + ".") and "STATUS <nomor tiket>" in to_b.body
    assert OFFICE_A not in to_b.body
    to_a = wa_post(client, "Selamat siang", NUMBER_A, ID_A, sender="6281200000002")
    assert to_a.body.splitlines()[0].startswith(OFFICE_A + ".") and OFFICE_B not in to_a.body
    # A number no hosted district has: the configured district answers, from the configured number.
    elsewhere = wa_post(client, "Selamat siang", "15550783881", "106540352242922", sender="6281200000003")
    assert elsewhere.body.splitlines()[0].startswith(OFFICE_A + ".")
    assert (to_b.from_number_id, to_a.from_number_id, elsewhere.from_number_id) == (ID_B, ID_A, "")


def test_a_ticket_is_answered_in_the_name_of_its_own_districts_office(app, hosts, make_case, make_user, places):
    app.config["SLRT_WA_APP_SECRET"] = WA_SECRET
    case_b = _case_in(make_case, make_user, places.other_district, places.other_district_desa, "b")
    case_a = _case_in(make_case, make_user, places.district, places.desa, "a")
    client = app.test_client()
    b_asked_at_a = wa_post(client, f"STATUS {case_b.ticket}", NUMBER_A, ID_A).body.splitlines()
    assert b_asked_at_a[0] == OFFICE_B and f"Tiket {case_b.ticket}" in b_asked_at_a
    a_asked_at_b = wa_post(client, f"STATUS {case_a.ticket}", NUMBER_B, ID_B).body.splitlines()
    assert a_asked_at_b[0] == OFFICE_A and f"Tiket {case_a.ticket}" in a_asked_at_b
    detail = wa_post(client, f"DETAIL {case_b.ticket} 05-12-1990", NUMBER_B, ID_B).body.splitlines()
    assert detail[0] == OFFICE_B and "Kartu KIS tidak aktif saat berobat" in " ".join(detail)


def _answered_and_throttled(number_id: str, district: str) -> tuple[int, int]:
    """How many menu answers left from `number_id`, and how many messages the district's conversations with
    CITIZEN recorded as over the limit."""
    from slrt.notifications.models import OutboxMessage
    from slrt.whatsapp.models import Command, Conversation, ConversationMessage
    db.session.expire_all()
    answered = db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "wa_auto", OutboxMessage.from_number_id == number_id))
    throttled = db.session.scalar(db.select(db.func.count()).select_from(ConversationMessage).join(Conversation).where(
        Conversation.district_code == district, Conversation.phone == "081234567890",
        ConversationMessage.command == Command.THROTTLED))
    return answered, throttled


def test_the_message_limit_counts_each_number_per_district(app, hosts, places):
    """A citizen who writes to district A's number uses up their allowance there, not at district B's; at each
    district the limit still holds, counted in the throttle table every worker shares."""
    from slrt.core.throttle_storage import DatabaseStorage, ThrottleHit
    from slrt.extensions import limiter
    app.config.update(SLRT_WA_APP_SECRET=WA_SECRET, SLRT_WA_MESSAGE_LIMIT="3 per 10 minutes")
    client = app.test_client()
    for n in range(4):
        wa_post(client, f"halo {n}", NUMBER_A, ID_A)
    assert _answered_and_throttled(ID_A, places.district) == (3, 1)
    assert _answered_and_throttled(ID_B, places.other_district) == (0, 0)
    for n in range(3):  # A's full count does not touch B's
        wa_post(client, f"halo {n}", NUMBER_B, ID_B)
    assert _answered_and_throttled(ID_B, places.other_district) == (3, 0)
    wa_post(client, "halo lagi", NUMBER_B, ID_B)  # B's own limit holds
    wa_post(client, "halo lagi", NUMBER_A, ID_A)  # and A's still does
    assert _answered_and_throttled(ID_B, places.other_district) == (3, 1)
    assert _answered_and_throttled(ID_A, places.district) == (3, 2)
    # Another citizen at A is not held up by this one.
    wa_post(client, "halo", NUMBER_A, ID_A, sender="6281200000009")
    assert _answered_and_throttled(ID_A, places.district)[0] == 4
    # The counts live in the shared table (three slots at A, three at B, one for the other citizen), not in
    # this worker's memory.
    assert isinstance(limiter.limiter.storage, DatabaseStorage)
    with db.engine.connect() as connection:
        assert connection.scalar(db.select(db.func.count()).select_from(ThrottleHit)) == 7


def test_the_menu_tells_the_office_hours_of_the_district_written_to(app, hosts, places):
    """Each district sets its own office hours; a district that sets none tells the server's SLRT_OFFICE_HOURS."""
    from slrt.admin import settings
    app.config.update(SLRT_WA_APP_SECRET=WA_SECRET, SLRT_OFFICE_HOURS="Senin-Jumat 08.00-15.00 (server)")
    settings.put("office_hours", "Senin-Kamis 07.30-16.00, Jumat 07.30-11.00", None, region_code=places.other_district)
    db.session.commit()
    client = app.test_client()
    to_b = wa_post(client, "Selamat pagi", NUMBER_B, ID_B, sender="6281200000001").body
    to_a = wa_post(client, "Selamat pagi", NUMBER_A, ID_A, sender="6281200000002").body
    assert "jam layanan: Senin-Kamis 07.30-16.00, Jumat 07.30-11.00." in to_b and "(server)" not in to_b
    assert "jam layanan: Senin-Jumat 08.00-15.00 (server)." in to_a and "Kamis" not in to_a
    settings.put("office_hours", "Senin-Sabtu 08.00-12.00", None, region_code=places.district)
    db.session.commit()
    to_a = wa_post(client, "Halo", NUMBER_A, ID_A, sender="6281200000002").body
    to_b = wa_post(client, "Halo", NUMBER_B, ID_B, sender="6281200000001").body
    assert "jam layanan: Senin-Sabtu 08.00-12.00." in to_a and "Senin-Kamis 07.30-16.00" in to_b
    # A number no district has: the configured district (A) answers, with its hours.
    elsewhere = wa_post(client, "Halo", "15550783881", "106540352242922", sender="6281200000003").body
    assert "jam layanan: Senin-Sabtu 08.00-12.00." in elsewhere


def test_answers_and_officers_replies_leave_from_the_number_written_to(app, hosts, make_user, places):
    from slrt.whatsapp.models import Conversation
    from tests.whatsapp_helpers import NUMBER_ID, VERSION, FakeWhatsApp
    with FakeWhatsApp(number_ids=(NUMBER_ID, ID_A, ID_B)) as fake:
        app.config.update(SLRT_WA_APP_SECRET=WA_SECRET, SLRT_OUTBOX_DISPATCH="inline", **fake.config())
        client = app.test_client()
        assert wa_post(client, "halo", NUMBER_B, ID_B, sender="6281200000001").status == "sent"
        assert wa_post(client, "halo", "15550783881", "106540352242922", sender="6281200000002").status == "sent"
        assert [r["path"] for r in fake.received] == [f"/{VERSION}/{ID_B}/messages",
                                                      f"/{VERSION}/{NUMBER_ID}/messages"]
        conversation = db.session.scalar(db.select(Conversation).where(Conversation.phone == "081200000001"))
        assert conversation.business_number_id == ID_B
        officer = make_user("back_office", region_code=places.other_district, username="bob")
        assert log_in(client, officer.username).status_code == 303
        replied = client.post(f"/pesan-masuk/{conversation.id}/balas", data={"text": "Baik Bu, kami cek."})
        assert replied.status_code == 303
    assert fake.received[-1]["path"] == f"/{VERSION}/{ID_B}/messages"
    assert fake.received[-1]["payload"]["text"]["body"] == "Baik Bu, kami cek."
    assert fake.received[-1]["payload"]["to"] == "6281200000001"


def test_a_wall_screen_shows_its_own_districts_name_on_any_host(app, hosts, places):
    from sqlalchemy import select

    from slrt.auth.models import User
    from tests.api_helpers import make_client
    from tests.conftest import csrf_token_from
    admin_b = db.session.scalar(select(User).where(User.username == "adminb"))
    _wall, token = make_client(admin_b, name="Layar Kota", permissions=("read_aggregates",),
                               region_code=places.other_district)
    screen = app.test_client()
    for host in ("localhost", HOST_A):
        page = screen.get("/pusat-komando/", base_url=f"http://{host}")
        assert screen.post("/pusat-komando/sambung", base_url=f"http://{host}", data={
            "csrf_token": csrf_token_from(page.data), "key": token}).status_code == 303
        board = screen.get("/pusat-komando/", base_url=f"http://{host}").get_data(as_text=True)
        assert "Layanan SLRT Kota Bandung" in board and footer(board) == OFFICE_B, host
        assert "Kabupaten Bandung" not in board


def test_what_a_citizen_is_sent_to_opens_on_their_districts_host(make_app, hosts, make_case, make_user, places):
    from slrt.core.web import public_url
    from slrt.notifications.models import OutboxMessage
    app = make_app(SLRT_PUBLIC_URL="https://slrt.provinsi.example/")
    with app.app_context():
        assert public_url("public.status", _district=places.other_district) == f"https://{HOST_B}/status"
        assert public_url("referrals.verify", _district=places.district, code="ABC234") == \
            f"https://{HOST_A}/verifikasi/ABC234"
        assert public_url("public.status", _district="32.99") == "https://slrt.provinsi.example/status"
        assert public_url("public.status") == "https://slrt.provinsi.example/status"
        case_b = _case_in(make_case, make_user, places.other_district, places.other_district_desa, "b")
        sms = db.session.scalar(db.select(OutboxMessage.body).where(OutboxMessage.case_id == case_b.id,
                                                                     OutboxMessage.kind == "registered"))
        assert sms.startswith(OFFICE_B + ":") and f"https://{HOST_B}/status" in sms
        letter_b = _letter(make_case, make_user, places.other_district, places.other_district_desa, "c")
        client = app.test_client()
        officer = db.session.scalar(db.select(User).where(User.username == "boc"))
        assert log_in(client, officer.username).status_code == 303
        printed = client.get(f"/rujukan/{letter_b.id}/surat").get_data(as_text=True)
        assert f"https://{HOST_B}/verifikasi/{letter_b.verification_code}" in printed


def test_the_field_app_installed_from_a_districts_host_carries_its_name(app, hosts):
    client = app.test_client()
    assert client.get("/lapangan/manifest.webmanifest", base_url=f"http://{HOST_B}").get_json(force=True)[
        "name"] == "SLRT Lapangan Kota Bandung"
    assert client.get("/lapangan/manifest.webmanifest", base_url="http://localhost").get_json(force=True)[
        "name"] == "SLRT Lapangan Kabupaten Bandung"


def test_each_request_context_gets_its_own_hosts_district(app, hosts, places):
    """Requests that share one application context (a test's, a script's) do not inherit each other's host."""
    from slrt.regions.districts import current_district, office_name
    with app.test_request_context(base_url=f"http://{HOST_B}"):
        assert current_district() == places.other_district and office_name(current_district()) == OFFICE_B
    with app.test_request_context(base_url="http://localhost"):
        assert current_district() == places.district and office_name(current_district()) == OFFICE_A


def test_each_districts_officers_read_only_the_messages_written_to_its_number(app, hosts, make_user, places):
    from slrt.whatsapp.models import Conversation
    app.config["SLRT_WA_APP_SECRET"] = WA_SECRET
    client = app.test_client()
    wa_post(client, "Bantuan PKH saya berhenti", NUMBER_B, ID_B, sender="6281200000001")
    wa_post(client, "Beras BPNT belum datang", NUMBER_A, ID_A, sender="6281200000002")
    wa_post(client, "Mohon info bedah rumah", "15550783881", "106540352242922", sender="6281200000003")
    to_b = db.session.scalar(db.select(Conversation).where(Conversation.phone == "081200000001"))
    to_a = db.session.scalar(db.select(Conversation).where(Conversation.phone == "081200000002"))
    assert (to_b.district_code, to_a.district_code) == (places.other_district, places.district)
    make_user("back_office", region_code=places.other_district, username="officerb")
    make_user("back_office", username="officera")
    assert log_in(client, "officerb").status_code == 303
    inbox_b = client.get("/pesan-masuk/?status=").get_data(as_text=True)
    assert "Bantuan PKH" in inbox_b and "Beras BPNT" not in inbox_b and "bedah rumah" not in inbox_b
    assert client.get(f"/pesan-masuk/{to_a.id}").status_code == 404
    assert client.post(f"/pesan-masuk/{to_a.id}/balas", data={"text": "Baik."}).status_code == 404
    client.post("/keluar")
    assert log_in(client, "officera").status_code == 303
    inbox_a = client.get("/pesan-masuk/?status=").get_data(as_text=True)
    assert "Beras BPNT" in inbox_a and "bedah rumah" in inbox_a and "Bantuan PKH" not in inbox_a
    assert client.get(f"/pesan-masuk/{to_b.id}").status_code == 404


def test_two_districts_number_their_letters_each_from_one_in_the_same_pattern(app, hosts, make_case, make_user,
                                                                               places):
    """Each district counts its own letters; with the starting pattern both first letters read the same
    number, on two different letterheads (the database refused B's approval before 0032)."""
    from slrt.referrals.models import ReferralStatus
    from slrt.regions.districts import working_in
    from tests.referrals_helpers import referral_in
    letters = {}
    for district, desa, suffix, nik in ((places.district, places.desa, "a", "3204054512900007"),
                                        (places.other_district, places.other_district_desa, "b", "3204054512900008")):
        with working_in(district):
            clerk = make_user("front_office", region_code=district, username=f"nfo{suffix}")
            officer = make_user("back_office", region_code=district, username=f"nbo{suffix}")
            signer = make_user("supervisor", region_code=district, username=f"nsv{suffix}")
            first = referral_in(ReferralStatus.APPROVED, make_case(region_code=desa, clerk=clerk), officer, signer)
            second_letter = referral_in(ReferralStatus.APPROVED, make_case(region_code=desa, clerk=clerk, nik=nik),
                                        officer, signer)
            letters[district] = (first.letter_number, second_letter.letter_number, first.letter_seq,
                                 second_letter.letter_seq)
    a, b = letters[places.district], letters[places.other_district]
    assert a[0] == b[0] and a[2] == b[2] == 1  # the same first number, each district's own
    assert a[1] == b[1] and a[3] == b[3] == 2 and a[0] != a[1]


def test_the_offices_notices_leave_from_the_number_of_the_cases_district(app, hosts, make_case, make_user, places):
    """A notice the office starts (registered, referred, ...) is sent from the number of the case's district (its
    phone-number id set by the administrator), so B's citizens never hear from A's number; a district without
    an id sends from the configured one."""
    from slrt.notifications.models import OutboxMessage
    from slrt.regions.districts import working_in
    from tests.referrals_helpers import referral_in
    from slrt.referrals.models import ReferralStatus
    from tests.whatsapp_helpers import NUMBER_ID, VERSION, FakeWhatsApp
    _first, second_row = hosts
    second_row.whatsapp_number_id = ID_B
    db.session.commit()
    with FakeWhatsApp(number_ids=(NUMBER_ID, ID_B)) as fake:
        app.config.update(SLRT_OUTBOX_DISPATCH="inline", **fake.config())
        cases = {}
        for district, desa, suffix, phone in ((places.other_district, places.other_district_desa, "b", "081200000011"),
                                              (places.district, places.desa, "a", "081200000012")):
            with working_in(district):
                clerk = make_user("front_office", region_code=district, username=f"nfo{suffix}")
                case = make_case(region_code=desa, clerk=clerk, phone=phone, contact_channel="whatsapp",
                                 nik="3204054512900007" if suffix == "b" else None)
                referral_in(ReferralStatus.APPROVED, case, make_user("back_office", region_code=district,
                                                                     username=f"nbo{suffix}"),
                            make_user("supervisor", region_code=district, username=f"nsv{suffix}"))
                db.session.commit()
                cases[suffix] = case
    db.session.expire_all()
    sent = {(row.case_id, row.kind): row for row in db.session.scalars(db.select(OutboxMessage))}
    kinds = {kind for (_case, kind) in sent}
    assert "registered" in kinds and len(kinds) >= 2, kinds  # the registration and a later step
    paths = {r["payload"]["to"]: set() for r in fake.received}
    for r in fake.received:
        paths[r["payload"]["to"]].add(r["path"])
    assert paths == {"6281200000011": {f"/{VERSION}/{ID_B}/messages"},
                     "6281200000012": {f"/{VERSION}/{NUMBER_ID}/messages"}}
    assert all(row.status == "sent" for row in sent.values())
    assert {row.from_number_id for (case_id, _kind), row in sent.items() if case_id == cases["b"].id} == {ID_B}
    assert {row.from_number_id for (case_id, _kind), row in sent.items() if case_id == cases["a"].id} == {""}
    # Without its id B's next notice leaves from the configured number.
    second_row.whatsapp_number_id = None
    db.session.commit()
    from slrt.notifications.operations import queue_citizen_message
    assert queue_citizen_message(cases["b"], "closed", "Layanan Anda selesai.").from_number_id == ""
    db.session.rollback()


def test_a_number_that_writes_to_two_districts_has_a_conversation_with_each(app, hosts, make_user, places):
    """The same citizen writes to A, then to B: A's officers still see (only) what was written to A, B's only
    what was written to B, and each one's reply leaves from its own number."""
    from slrt.whatsapp.models import Conversation, Direction
    from tests.whatsapp_helpers import NUMBER_ID, VERSION, FakeWhatsApp
    with FakeWhatsApp(number_ids=(NUMBER_ID, ID_A, ID_B)) as fake:
        app.config.update(SLRT_WA_APP_SECRET=WA_SECRET, SLRT_OUTBOX_DISPATCH="inline", **fake.config())
        client = app.test_client()
        wa_post(client, "Beras BPNT belum datang", NUMBER_A, ID_A)
        wa_post(client, "Bantuan PKH saya berhenti", NUMBER_B, ID_B)
        wa_post(client, "Mohon dibantu, terima kasih", NUMBER_A, ID_A)
        to_a, to_b = db.session.scalars(db.select(Conversation).order_by(Conversation.id)).all()
        assert (to_a.district_code, to_b.district_code) == (places.district, places.other_district)
        assert (to_a.business_number_id, to_b.business_number_id) == (ID_A, ID_B)
        assert [m.text for m in to_a.messages if m.direction == Direction.IN] == [
            "Beras BPNT belum datang", "Mohon dibantu, terima kasih"]
        assert [m.text for m in to_b.messages if m.direction == Direction.IN] == ["Bantuan PKH saya berhenti"]
        make_user("back_office", username="officera")
        make_user("back_office", region_code=places.other_district, username="officerb")
        written_to_a = ("Beras BPNT", "Mohon dibantu")
        for officer, own, other, mine, theirs, reply in (
                ("officera", to_a, to_b, written_to_a, ("Bantuan PKH",), "Baik Bu, dari Kabupaten."),
                ("officerb", to_b, to_a, ("Bantuan PKH",), written_to_a, "Baik Bu, dari Kota.")):
            assert log_in(client, officer).status_code == 303
            inbox = client.get("/pesan-masuk/?status=").get_data(as_text=True)
            assert mine[-1] in inbox and not any(text in inbox for text in theirs)
            page = client.get(f"/pesan-masuk/{own.id}").get_data(as_text=True)
            assert all(text in page for text in mine) and not any(text in page for text in theirs)
            assert client.get(f"/pesan-masuk/{other.id}").status_code == 404
            assert client.post(f"/pesan-masuk/{own.id}/balas", data={"text": reply}).status_code == 303
            client.post("/keluar")
    replies = {r["payload"]["text"]["body"]: r["path"] for r in fake.received if r["payload"]["type"] == "text"}
    assert replies["Baik Bu, dari Kabupaten."] == f"/{VERSION}/{ID_A}/messages"
    assert replies["Baik Bu, dari Kota."] == f"/{VERSION}/{ID_B}/messages"
    db.session.expire_all()
    assert [m.text for m in db.session.get(Conversation, to_a.id).messages if m.user_id] == ["Baik Bu, dari Kabupaten."]


def test_a_case_registered_in_a_district_joins_that_districts_conversation(app, hosts, make_case, make_user, places):
    from slrt.whatsapp.models import Conversation, ConversationStatus
    app.config["SLRT_WA_APP_SECRET"] = WA_SECRET
    client = app.test_client()
    wa_post(client, "Halo", NUMBER_A, ID_A)
    wa_post(client, "Halo", NUMBER_B, ID_B)
    case_b = _case_in(make_case, make_user, places.other_district, places.other_district_desa, "b")
    case_b.identity.phone = "081234567890"  # the number that wrote in (CITIZEN)
    from slrt.whatsapp.operations import on_case_registered
    on_case_registered(case_b)
    db.session.commit()
    to_a, to_b = db.session.scalars(db.select(Conversation).order_by(Conversation.id)).all()
    assert (to_b.case_id, to_b.status) == (case_b.id, ConversationStatus.CASE_OPENED)
    assert (to_a.case_id, to_a.status) == (None, ConversationStatus.NEW)


def test_migration_0034_gives_old_conversations_the_configured_district_and_keeps_every_message(make_app, tmp_path,
                                                                                                places):
    """A private SQLite database migrated step by step: conversations from before 0034 (no district) become the
    configured district's with their messages (SQLite rebuilds the table: its messages must not cascade away);
    going back merges a number's conversations into one, keeping every message."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text
    private = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'wa.db'}")
    conversation = ("INSERT INTO wa_conversations (id, phone, phone_hash, status, created_at, last_message_at, "
                    "district_code) VALUES (:id, '081234567890', 'hash-of-the-number', 'new', :now, :now, :district)")
    message = ("INSERT INTO wa_messages (conversation_id, direction, command, text, created_at) "
               "VALUES (:id, 'in', 'menu', :text, :now)")
    now = "2026-11-28 08:00:00"
    with private.app_context():
        upgrade(revision="0033")
        db.session.execute(text(conversation), {"id": 1, "now": now, "district": None})
        for words in ("Halo", "Bantuan PKH saya berhenti"):
            db.session.execute(text(message), {"id": 1, "text": words, "now": now})
        db.session.commit()
        upgrade()
        assert db.session.execute(text("SELECT id, district_code FROM wa_conversations")).all() == [
            (1, places.district)]
        assert db.session.execute(text("SELECT count(*) FROM wa_messages WHERE conversation_id = 1")).scalar() == 2
        db.session.execute(text(conversation), {"id": 2, "now": now, "district": places.other_district})
        db.session.execute(text(message), {"id": 2, "text": "Ke kota", "now": now})
        db.session.commit()
        downgrade(revision="0033")
        assert db.session.execute(text("SELECT id FROM wa_conversations")).scalars().all() == [2]
        assert sorted(db.session.execute(text("SELECT conversation_id, text FROM wa_messages")).all()) == [
            (2, "Bantuan PKH saya berhenti"), (2, "Halo"), (2, "Ke kota")]
        db.session.commit()
        upgrade()
        db.session.remove()
        db.engine.dispose()
