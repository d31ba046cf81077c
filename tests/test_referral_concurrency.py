"""Sign-off races and letter numbering under concurrency, on SQLite (file database) and MariaDB alike."""
from __future__ import annotations

import pytest

import re
import threading

from slrt.auth.models import User
from slrt.core.db import immediate_transactions
from slrt.extensions import db
from slrt.referrals import operations
from slrt.referrals.models import LetterCounter, Referral, ReferralStatus
from tests.conftest import log_in
from tests.referrals_helpers import TODAY, referral_in
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


def test_two_supervisors_deciding_at_once_end_in_one_decision(app, make_user, make_case):
    officer = make_user("back_office")
    first, second = make_user("supervisor", username="manajer1"), make_user("supervisor", username="manajer2")
    referral = referral_in(ReferralStatus.PENDING_SIGNOFF, make_case(), officer, first)
    clients = []
    for user in (first, second):
        client = app.test_client()
        with app.app_context():  # a fresh `g`, so the second login is not taken for the first
            assert log_in(client, user.username).status_code == 303
        clients.append(client)
    barrier = threading.Barrier(2)
    pages: dict[str, str] = {}
    url = f"/rujukan/{referral.id}/putuskan"

    def decide(client, name, decision, note):
        barrier.wait()
        response = client.post(url, data={"decision": decision, "note": note}, follow_redirects=True)
        pages[name] = response.get_data(as_text=True)

    threads = [threading.Thread(target=decide, args=(clients[0], "first", "approved", "")),
               threading.Thread(target=decide, args=(clients[1], "second", "rejected", "Tidak memenuhi syarat"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert set(pages) == {"first", "second"}
    db.session.rollback()  # end this thread's snapshot: read what the others committed
    decided = db.session.get(Referral, referral.id)
    assert decided.status in (ReferralStatus.APPROVED, ReferralStatus.REJECTED)
    winner = "first" if decided.status == ReferralStatus.APPROVED else "second"
    loser = "second" if winner == "first" else "first"
    assert decided.decided_by_id == (first.id if winner == "first" else second.id)
    assert "sudah diputuskan" in pages[loser]
    assert decided.decided_by.full_name in pages[loser]
    assert "sudah diputuskan" not in pages[winner]
    audit = db.session.scalars(db.text("SELECT action FROM audit_log WHERE object_type='Referral' "
                                       "AND action IN ('referral.approved','referral.rejected')")).all()
    assert len(audit) == 1
    assert (decided.letter_number is not None) == (decided.status == ReferralStatus.APPROVED)


def test_stale_decision_is_refused_with_who_and_when(app, make_user, make_case):
    """The second signer's page was loaded before the first decided: the conditional UPDATE matches nothing."""
    officer, first, second = make_user("back_office"), make_user("supervisor"), make_user("supervisor")
    referral = referral_in(ReferralStatus.PENDING_SIGNOFF, make_case(), officer, first)
    operations.decide(referral, first, ReferralStatus.RETURNED, "Lengkapi KK", TODAY)
    db.session.commit()
    from sqlalchemy.orm.attributes import set_committed_value
    set_committed_value(referral, "status", ReferralStatus.PENDING_SIGNOFF)  # the second signer's stale copy
    try:
        operations.decide(referral, second, ReferralStatus.APPROVED, "", TODAY)
    except operations.AlreadyDecided as refused:
        message = str(refused.message)
    else:
        raise AssertionError("the stale decision went through")
    db.session.rollback()
    assert first.full_name in message and "Dikembalikan" in message
    assert db.session.get(Referral, referral.id).status == ReferralStatus.RETURNED


def test_concurrent_approvals_get_distinct_consecutive_letter_numbers(app, make_user, make_case):
    officer, signer = make_user("back_office"), make_user("supervisor")
    count = 10
    ids = [referral_in(ReferralStatus.PENDING_SIGNOFF, make_case(), officer, signer).id for _ in range(count)]
    signer_id = signer.id  # read here: the workers must not touch this thread's session
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def approve(referral_id):
        try:
            with app.app_context(), immediate_transactions():
                barrier.wait()
                referral = db.session.get(Referral, referral_id)
                operations.decide(referral, db.session.get(User, signer_id), ReferralStatus.APPROVED, "", TODAY)
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.session.rollback()  # end this thread's snapshot: read what the others committed
    numbers = db.session.scalars(db.select(Referral.letter_number).where(Referral.id.in_(ids))).all()
    seqs = sorted(int(re.match(r"460/(\d{4})/SLRT/XI/2026$", n).group(1)) for n in numbers)
    assert seqs == list(range(1, count + 1))
    counter = db.session.scalar(db.select(LetterCounter))
    assert (counter.district_code, counter.year, counter.last_seq) == ("32.04", 2026, count)


def test_letter_numbers_restart_each_year_and_follow_the_pattern(app, make_user, make_case):
    from datetime import date
    from slrt.admin import settings
    officer, signer = make_user("back_office"), make_user("supervisor")
    settings.put("letter_pattern", "400.9/{seq:04d}/SLRT/{month}/{year}", signer)
    db.session.commit()
    december = referral_in(ReferralStatus.APPROVED, make_case(), officer, signer, today=date(2026, 12, 30))
    january = referral_in(ReferralStatus.APPROVED, make_case(), officer, signer, today=date(2027, 1, 4))
    assert december.letter_number == "400.9/0001/SLRT/12/2026"
    assert january.letter_number == "400.9/0001/SLRT/01/2027"


def test_a_broken_pattern_is_a_clear_message_and_uses_no_number(app, make_user, make_case):
    from slrt.admin import settings
    from slrt.core.errors import DomainError
    officer, signer = make_user("back_office"), make_user("supervisor")
    referral = referral_in(ReferralStatus.PENDING_SIGNOFF, make_case(), officer, signer)
    settings.put("letter_pattern", "460/{nomor}/{year}", signer)
    db.session.commit()
    try:
        operations.decide(referral, signer, ReferralStatus.APPROVED, "", TODAY)
    except DomainError as error:
        assert "Pola nomor surat" in str(error.message)
    else:
        raise AssertionError("a broken pattern numbered a letter")
    db.session.rollback()
    assert db.session.scalar(db.select(LetterCounter)) is None


def test_two_agencies_answering_one_case_at_once_resolve_it(app, make_user, make_case):
    """Each answer re-reads the case's referrals under the case's row lock, so neither misses the other."""
    from slrt.admin.models import Agency
    from slrt.cases.models import Case
    officer, signer = make_user("back_office"), make_user("supervisor")
    case = make_case()
    first = referral_in(ReferralStatus.APPROVED, case, officer, signer)
    second = operations.draft(case, officer, agency=db.session.scalar(db.select(Agency).where(Agency.code == "RSUD")),
                              reason="Keringanan biaya rawat inap")
    operations.submit(second, officer)
    operations.decide(second, signer, ReferralStatus.APPROVED, "", TODAY)
    db.session.commit()
    ids, officer_id, case_id = [first.id, second.id], officer.id, case.id
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def complete(referral_id):
        try:
            with app.app_context(), immediate_transactions():
                barrier.wait()
                referral = db.session.get(Referral, referral_id)
                operations.respond(referral, db.session.get(User, officer_id), ReferralStatus.COMPLETED,
                                   "Selesai", on_behalf=True, today=TODAY)
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=complete, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    db.session.rollback()
    assert db.session.get(Case, case_id).status == "resolved"
