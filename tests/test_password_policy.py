"""A new password is refused when it is common or breached, repetitive, or carries the username or name."""
from __future__ import annotations

import pytest

from slrt.audit.models import AuditLog
from slrt.auth.models import User
from slrt.auth.passwords import password_problem, verify_password
from slrt.extensions import db
from tests.conftest import PASSWORD, count, log_in


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "1234567890", "iloveyou12", "Passw0rd2024",
                                      "1q2w3e4r5t6y", "asdfghjkl;"])
def test_common_breached_and_keyboard_passwords_are_refused(app, password):
    assert password_problem(password, username="siti", full_name="Siti Rahmawati") is not None


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "ZZZZZZZZZZZZ", "abababababab", "1111111111"])
def test_one_or_two_characters_repeated_are_refused(app, password):
    problem = password_problem(password)
    assert problem == "Kata sandi tidak boleh hanya berupa satu atau dua karakter yang diulang-ulang."


@pytest.mark.parametrize("password", [
    "siti.rahmasiti.rahma",     # the username twice (the example)
    "SITI.RAHMA-pagi-hari",     # any case
    "amhar.itis-kopi-manis",    # reversed
    "rahmawati#kopi-susu",      # a part of the full name
    "S1t1-r4hm4w4t1-99",        # digits for letters
])
def test_passwords_with_the_username_or_name_are_refused(app, password):
    problem = password_problem(password, username="siti.rahma", full_name="Siti Rahmawati")
    assert problem == "Kata sandi tidak boleh memuat nama pengguna atau nama Anda."


@pytest.mark.parametrize("password", [PASSWORD, "bunga-melati-7", "kucing-hitam-berlari", "sawah hijau di lereng"])
def test_uncommon_passphrases_are_accepted(app, password):
    assert password_problem(password, username="siti.rahma", full_name="Siti Rahmawati") is None


def test_short_name_parts_do_not_refuse_ordinary_words(app):
    # "Adi" sits inside "padi": a three-letter name is not looked for, or half the dictionary would go
    assert password_problem("padi-kuning-di-sawah", username="adi.w", full_name="Adi Wijaya") is None


def test_length_rule_stays(app):
    assert password_problem("k9#Lm2$q", username="x", full_name="") == "Kata sandi minimal 10 karakter."


def test_changing_ones_password_to_a_breached_one_is_refused_in_indonesian(app, make_user):
    user = make_user("back_office", username="siti")
    client = app.test_client()
    assert log_in(client, "siti").status_code == 303
    response = client.post("/akun/kata-sandi", data={"current_password": PASSWORD, "password": "qwertyuiop123",
                                                     "confirm": "qwertyuiop123"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "umum dipakai atau pernah bocor" in page
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, PASSWORD)
    assert count(AuditLog, AuditLog.action == "user.change_password") == 0


def test_changing_ones_password_to_the_username_twice_is_refused(app, make_user):
    user = make_user("back_office", username="budi.santoso")
    client = app.test_client()
    assert log_in(client, "budi.santoso").status_code == 303
    response = client.post("/akun/kata-sandi", data={"current_password": PASSWORD,
                                                     "password": "budi.santosobudi.santoso",
                                                     "confirm": "budi.santosobudi.santoso"})
    assert "tidak boleh memuat nama pengguna atau nama Anda" in response.get_data(as_text=True)
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, PASSWORD)


def test_the_command_line_refuses_a_weak_first_administrator_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--username", "admin", "--name", "Admin Dinsos",
                                 "--role", "admin", "--password", "aaaaaaaaaaaa"])
    assert result.exit_code != 0
    assert "diulang-ulang" in result.output
    assert db.session.scalar(db.select(User).where(User.username == "admin")) is None


def test_generated_one_time_passwords_meet_the_rules(app):
    from slrt.auth.operations import generate_password
    for _ in range(50):
        password = generate_password(username="abcd", full_name="Abcd Efgh")
        assert password_problem(password, username="abcd", full_name="Abcd Efgh") is None


def test_demo_seed_refuses_a_weak_demo_password_with_a_message(make_app):
    application = make_app(SLRT_DEMO_PASSWORD="admin12345")
    result = application.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0 and "Kata sandi" in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
