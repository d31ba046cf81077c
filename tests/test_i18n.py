"""The two languages: Bahasa Indonesia first, English complete, dates written the Indonesian way."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime

import pytest
from babel.messages.pofile import read_po

from slrt.core import i18n_tool
from tests.conftest import log_in

CATALOGUES = sorted(i18n_tool.SLRT.glob("*/translations/en/LC_MESSAGES/messages.po"))
# %(name)s, %(num)d ... and bare %s/%d; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifr%])")


def placeholders(text: str) -> list[str]:
    found = []
    for name, kind in PLACEHOLDER.findall(text):
        if kind == "%":
            continue
        found.append(f"{name}:{kind}" if name else f"<positional>:{kind}")
    return sorted(found)


def entries():
    for path in CATALOGUES:
        with open(path, "rb") as handle:
            for message in read_po(handle):
                if message.id:
                    yield path.parts[-5], message


@pytest.fixture
def web(make_app, app):
    """A client of its own app: the `app` fixture keeps one app context (and Flask-Babel caches the locale in
    it) for the whole test, which a real server never does between requests."""
    return make_app().test_client()


def english(client, next_path: str = "/masuk"):
    response = client.post("/bahasa", data={"lang": "en", "next": next_path})
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_every_message_has_an_english_translation():
    assert i18n_tool.untranslated() == []


def test_every_feature_with_messages_has_a_catalogue():
    with_messages = {feature for feature in i18n_tool.features() if any(True for _ in i18n_tool.messages_of(feature))}
    have = {path.parts[-5] for path in CATALOGUES}
    assert with_messages <= have


def placeholder_problems(message) -> str | None:
    if isinstance(message.id, (list, tuple)):
        singular, plural = message.id
        forms = list(message.string)
        if len(forms) != 2 or not all(forms):
            return "English plurals need both forms"
        # the singular may leave out the count ("one case"), never add a name the source does not pass
        if not set(placeholders(forms[0])) <= set(placeholders(plural)) or \
                placeholders(forms[1]) != placeholders(plural):
            return f"{forms} vs {message.id}"
        return None
    if placeholders(message.string) != placeholders(message.id):
        return f"{message.string!r} vs {message.id!r}"
    return None


def test_translations_keep_the_placeholders_of_their_source():
    # A placeholder the source does not pass (or a misspelt one) is a KeyError when the page renders.
    problems = [(feature, problem) for feature, message in entries() if (problem := placeholder_problems(message))]
    assert problems == []


def test_the_placeholder_check_catches_a_wrong_name():
    from babel.messages.catalog import Message
    assert placeholder_problems(Message("Akun %(u)s diaktifkan.", "Account %(user)s activated."))
    assert placeholder_problems(Message(("%(num)d kasus", "%(num)d kasus"), ("one case", "%(num)d cases"))) is None
    assert placeholder_problems(Message(("%(num)d kasus", "%(num)d kasus"), ("%(num)d case", ""))) == \
        "English plurals need both forms"


def test_a_message_shared_by_features_reads_the_same_in_every_catalogue():
    # Flask-Babel merges the catalogues into one; two different translations of one msgid would make the
    # English depend on the merge order.
    seen: dict = defaultdict(set)
    for feature, message in entries():
        key = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
        value = tuple(message.string) if isinstance(message.string, (list, tuple)) else message.string
        seen[key].add(value)
    assert {key: values for key, values in seen.items() if len(values) > 1} == {}


def test_language_switch_turns_the_login_page_into_english(web):
    html = english(web, "/masuk")
    assert 'lang="en"' in html
    for text in ("Sign in to the SLRT portal", "Username", "Password", "Check Service Status", "Bahasa Indonesia"):
        assert text in html
    for text in ("Masuk ke portal", "Kata sandi", "Nama pengguna"):
        assert text not in html


def test_intake_form_in_english(web, make_user):
    user = make_user("front_office")
    assert log_in(web, user.username).status_code == 303
    html = english(web, "/pendaftaran/baru")
    for text in ("New Registration", "1. Identity", "Full name", "Date of birth", "Female", "Mobile number",
                 "Subdistrict", "— choose a subdistrict —", "Household members", "Add member",
                 "2. Complaints and needs", "Add complaint", "Service channel", "SLRT counter", "Service request",
                 "Save and print the receipt", "Sign out", "Front office (counter)"):
        assert text in html, text
    for text in ("Tanggal lahir", "Tambah anggota", "Simpan dan cetak", ">Keluar<", "Pendaftaran Baru"):
        assert text not in html, text


def test_nik_check_and_form_errors_in_english(web, make_user):
    user = make_user("front_office")
    log_in(web, user.username)
    english(web, "/pendaftaran/baru")
    widget = web.post("/pendaftaran/cek-nik", data={"nik": "3204054512900001"}, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Valid NIK." in widget and "Born 5 December 1990, female." in widget
    widget = web.post("/pendaftaran/cek-nik", data={"nik": "3.27301E+15"}, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "damaged by a spreadsheet" in widget
    page = web.post("/pendaftaran/baru", data={"nik": "", "name": ""}).get_data(as_text=True)
    assert "Enter a name." in page and "Enter the NIK." in page and "Check the marked fields." in page


def test_public_status_page_in_english(web, make_case):
    case = make_case()
    html = english(web, f"/status?ticket={case.ticket}")
    for text in ("Check Service Status", "Ticket number", "Date of birth (optional)", "Check status",
                 "Registered", "Registration received"):
        assert text in html, text
    assert "Terdaftar" not in html and "Cek status" not in html
    wrong = web.post("/status", data={"ticket": case.ticket, "birth_date": "1991-01-01"}).get_data(as_text=True)
    assert "does not match" in wrong


def test_switching_back_to_indonesian(web):
    english(web, "/masuk")
    response = web.post("/bahasa", data={"lang": "id", "next": "/masuk"})
    html = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Masuk ke portal SLRT" in html and 'lang="id"' in html


def test_unknown_language_and_foreign_next_are_ignored(web):
    response = web.post("/bahasa", data={"lang": "fr", "next": "//evil.example/"})
    assert response.status_code == 303
    assert "evil.example" not in response.headers["Location"]
    assert "Cek Status Layanan" in web.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_dates_read_day_month_year_in_both_languages(app, lang):
    from slrt.core.i18n import long_date, long_datetime, short_date
    with app.test_request_context("/"):
        from flask import session
        from flask_babel import refresh
        session["lang"] = lang
        refresh()
        assert long_date(date(2026, 11, 22)) == "22 November 2026"
        assert short_date(date(2026, 11, 22)) == "22/11/2026"
        # stored as naive UTC, shown in the district's zone (WIB = UTC+7): 23.30 UTC is the next morning
        assert long_date(datetime(2026, 11, 21, 23, 30)) == "22 November 2026"
        assert long_datetime(datetime(2026, 11, 22, 7, 5)) == "22 November 2026 14.05 WIB"
        month = {"id": "Desember", "en": "December"}[lang]
        assert long_date(date(1990, 12, 5)) == f"5 {month} 1990"



def _switch_returns_to(page) -> str:
    return re.search(r'name="next" value="([^"]*)"', page.get_data(as_text=True)).group(1)


def test_the_switch_returns_to_this_page_but_never_offsite_nor_with_a_nik(web):
    """The language form sends back where the user was: the page's own path and query, but a query that
    carries a NIK is left off (it would sit in the form, the history and the next request's log), and a
    path never reads as another site's address."""
    assert _switch_returns_to(web.get("/masuk?lang=x")) == "/masuk?lang=x"
    assert _switch_returns_to(web.get("/masuk?nik=3204-0517-0880-0001")) == "/masuk"
    offsite = web.get("/", environ_overrides={"PATH_INFO": "//evil.example/x"})  # as a browser sends `//evil`
    assert offsite.status_code == 404 and _switch_returns_to(offsite) == "/evil.example/x"  # a path here
