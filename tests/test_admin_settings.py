"""District settings are read once per request (its transaction): one query for all of them, whatever the
number of calls."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from slrt.admin import settings
from slrt.extensions import db


@contextmanager
def settings_queries():
    """Collect the SQL statements that read the settings table while the block runs."""
    seen: list[str] = []

    def collect(conn, cursor, statement, parameters, context, executemany):
        if "settings" in statement.lower() and statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", collect)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", collect)


def test_settings_are_read_in_one_query_per_request(app, make_user):
    admin = make_user("admin")
    settings.put("signoff_days", "4", admin)
    db.session.commit()  # the next read is a new transaction's, as a new request's
    with settings_queries() as seen:
        for _round in range(20):  # a stored row, and keys without one (their defaults)
            assert settings.get_int("signoff_days") == 4
            assert settings.get_int("response_days") == 5
            assert settings.get("letter_signer_title") == "Kepala Dinas Sosial"
            assert settings.get("letterhead_lines") == ""
    assert len(seen) == 1


def test_a_setting_another_request_committed_is_seen_in_the_next_transaction(app, make_user):
    from slrt.auth.models import User
    admin_id = make_user("admin").id
    assert settings.get_int("autoclose_days") == 10
    db.session.commit()
    with app.app_context():  # another request, with its own session, changes it
        settings.put("autoclose_days", "12", db.session.get(User, admin_id))
        db.session.commit()
    assert settings.get_int("autoclose_days") == 12


def test_a_changed_setting_is_read_again_within_the_request(app, make_user):
    admin = make_user("admin")
    assert settings.get_int("response_days") == 5
    settings.put("response_days", "7", admin)
    assert settings.get_int("response_days") == 7
    db.session.commit()
    assert settings.get_int("response_days") == 7


def test_the_referral_overview_reads_the_settings_once_whatever_the_number_of_rows(app, client, login_as,
                                                                                    make_user, make_case):
    """The overview shows a deadline per referral: the settings behind them cost one query, not one per row."""
    from tests.referrals_helpers import referral_in
    from slrt.referrals.models import ReferralStatus
    officer, signer = make_user("back_office"), make_user("supervisor")
    for status in (ReferralStatus.DRAFT, ReferralStatus.PENDING_SIGNOFF, ReferralStatus.APPROVED,
                   ReferralStatus.ACCEPTED, ReferralStatus.NEEDS_DOCUMENTS, ReferralStatus.RETURNED):
        referral_in(status, make_case(), officer, signer)
    db.session.commit()
    login_as("supervisor")
    with settings_queries() as seen:
        response = client.get("/rujukan/ikhtisar")
    assert response.status_code == 200
    assert len(seen) == 1
