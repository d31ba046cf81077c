"""Building cases and referrals in a given state through the real operations."""
from __future__ import annotations

from datetime import date

import pytest

from slrt.admin.models import Agency, Programme
from slrt.extensions import db
from slrt.handling import operations as handling
from slrt.referrals import operations
from slrt.referrals.models import Referral, ReferralStatus

TODAY = date(2026, 11, 23)  # a Monday


def agency(code: str = "DINKES") -> Agency:
    return db.session.scalar(db.select(Agency).where(Agency.code == code))


def programme(code: str = "JAMKESDA") -> Programme:
    return db.session.scalar(db.select(Programme).where(Programme.code == code))


def referral_in(status: ReferralStatus, case, officer, signer, liaison=None, today: date = TODAY) -> Referral:
    """A referral of `case` brought to `status` along the usual path."""
    if case.status == "registered":
        handling.take(case, officer)
    complaint = case.complaints[0] if case.complaints else None
    referral = operations.draft(case, officer, agency=agency(), programme=programme(), complaint=complaint,
                                reason="Biaya berobat di puskesmas tidak mampu dibayar", documents=["KTP", "KK"])
    S = ReferralStatus
    if status == S.DRAFT:
        db.session.commit()
        return referral
    if status == S.CANCELLED:
        operations.cancel(referral, officer)
        db.session.commit()
        return referral
    operations.submit(referral, officer)
    if status == S.PENDING_SIGNOFF:
        db.session.commit()
        return referral
    if status in (S.RETURNED, S.REJECTED):
        operations.decide(referral, signer, status, "Lengkapi SKTM dari desa", today)
        db.session.commit()
        return referral
    operations.decide(referral, signer, S.APPROVED, "", today)
    if status == S.APPROVED:
        db.session.commit()
        return referral
    responder = liaison or officer
    operations.respond(referral, responder, status, "" if status == S.ACCEPTED else "Hasil dicatat",
                       on_behalf=liaison is None, today=today)
    db.session.commit()
    return referral


@pytest.fixture(autouse=False)
def fast_passwords(monkeypatch):
    """Argon2 with the cheapest parameters: these tests create and log in many users, and a production-strength
    hash costs half a second each on a small CI machine. Login still goes through the real verify path."""
    from argon2 import PasswordHasher
    monkeypatch.setattr("slrt.auth.passwords._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
