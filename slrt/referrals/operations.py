"""Every status change of a referral: drafting, sign-off, the numbered letter, the agency's answer.

Every move is checked against REFERRAL_TRANSITIONS (models.py, next to the enum). Sign-off is a conditional
UPDATE (`... WHERE status IN <the table's sources of the decision>`), so two supervisors deciding at once end in exactly one decision on
SQLite and MariaDB alike; the letter number comes from a counter row incremented under its row lock.
"""
from __future__ import annotations

import secrets
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from slrt.admin import settings
from slrt.admin.letter_numbers import format_letter_number, pattern_errors
from slrt.audit.operations import record
from slrt.cases import operations as cases
from slrt.cases.models import Case, Complaint, ComplaintStatus
from slrt.core.db import lock_row
from slrt.core.errors import DomainError, TransitionError
from slrt.core.hooks import referral_changed
from slrt.core.labels import LABELS
from slrt.core.time import to_local, utcnow
from slrt.deadlines.calendar import add_working_days, district_days_off, working_days_between
from slrt.extensions import db
from slrt.referrals.lateness import due_date
from slrt.referrals.models import (AGENCY_RESPONSES, EDITABLE, ENDED, REFERRAL_TRANSITIONS, SIGNOFF_DECISIONS,
                                   LetterCounter, Referral, ReferralChange, ReferralStatus)

S = ReferralStatus
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def check_transition(referral: Referral, target: ReferralStatus) -> None:
    REFERRAL_TRANSITIONS.check(referral.status, target)


def district_of(case: Case) -> str:
    """The district (NN.NN) of the office that registered the case: it numbers the letters."""
    return case.office_region_code[:5]


def _days_off(case: Case) -> frozenset[date]:
    return district_days_off(district_of(case))


def signoff_due_for(case: Case) -> date:
    """Sign-off is due `signoff_days` working days after the case was registered."""
    return add_working_days(to_local(case.created_at).date(), settings.get_int("signoff_days", district_of(case)),
                            _days_off(case))


def working_days_late(referral: Referral, today: date) -> int:
    """How many working days past its due date the referral's current step is (0 when not late)."""
    due = due_date(referral)
    if due is None or today <= due:
        return 0
    return working_days_between(due, today, _days_off(referral.case))


def _event(referral: Referral, kind: str, actor, *, public: bool, note: str = "", message: str = "",
           sms: bool = False, sms_text: str = "") -> None:
    cases.add_event(referral.case, kind, actor, public=public, note=note, citizen_message=message,
                    agency_name=referral.agency.name if referral.agency else "", sms=sms, sms_text=sms_text)


def _audit(referral: Referral, action: str, actor, note: str = "") -> None:
    record(f"referral.{action}", referral, person_id=referral.case.person_id, note=note, user=actor)


def lock_case(case_id: int) -> None:
    """Take the case's row lock before anything inserted for it (events, outbox) takes a shared one: two
    transactions that both hold the shared lock and then want the exclusive one deadlock on MariaDB."""
    lock_row(Case, case_id)


def _move(referral: Referral, target: ReferralStatus, actor, note: str = "") -> None:
    check_transition(referral, target)
    lock_case(referral.case_id)
    previous = referral.status
    referral.status = target
    _audit(referral, str(target), actor, f"{previous}->{target} {note}".strip())


def sync_complaint(complaint: Complaint | None, actor) -> None:
    """The complaint follows its referrals: in progress while one runs, then the best outcome."""
    if complaint is None:
        return
    from slrt.referrals.models import Referral as R
    statuses = {ReferralStatus(s) for s in db.session.scalars(select(R.status).where(R.complaint_id == complaint.id))}
    statuses -= {S.CANCELLED, S.REJECTED}
    if statuses - ENDED:
        target = ComplaintStatus.REFERRED
    elif S.COMPLETED in statuses:
        target = ComplaintStatus.COMPLETED
    elif S.DECLINED in statuses:
        target = ComplaintStatus.DECLINED
    elif complaint.status == ComplaintStatus.ANSWERED:
        return
    else:
        target = ComplaintStatus.OPEN
    cases.move_complaint(complaint, target, actor)


def _after_change(referral: Referral, actor) -> None:
    """The complaint follows the referral, and the case is told (`referral_changed`: the handling feature
    moves it). The case row is locked and re-read first, so that two referrals of one case answered at once
    (two agencies) both count: the second waits for the first."""
    db.session.flush()
    lock_case(referral.case_id)  # already ours: taken at the start of the operation
    db.session.expire(referral.case)
    sync_complaint(referral.complaint, actor)
    referral_changed.send(referral, actor=actor)
    db.session.flush()


def programme_fits(programme, agency) -> bool:
    """A programme may be asked of its own agency; one that names no agency (a general service) of any."""
    return programme is None or programme.agency_id is None or programme.agency_id == agency.id


def _check_choices(case: Case, agency, programme, complaint) -> None:
    if agency is None or not agency.active:
        raise DomainError(_l("Pilih instansi tujuan dari daftar."), field="agency")
    if programme is not None and not programme.active:
        raise DomainError(_l("Program ini tidak aktif lagi. Pilih program lain."), field="programme")
    if not programme_fits(programme, agency):
        # The letter would ask this agency for another agency's programme (Dinas Kesehatan for PKH).
        raise DomainError(_("%(programme)s bukan layanan %(agency)s. Pilih program dari instansi tujuan, "
                            "atau ganti instansinya.", programme=programme.name, agency=agency.name),
                          field="programme")
    if complaint is not None and complaint.case_id != case.id:
        raise DomainError(_l("Keluhan itu bukan bagian dari kasus ini."), field="complaint")


def draft(case: Case, actor, *, agency, programme=None, complaint=None, reason: str,
          documents: list[str] | None = None) -> Referral:
    """The back office drafts a referral for the case (optionally for one of its complaints)."""
    cases.require_handling(case)
    _check_choices(case, agency, programme, complaint)
    if not reason.strip():
        raise DomainError(_l("Tuliskan alasan rujukan."), field="reason")
    lock_case(case.id)
    referral = Referral(case=case, complaint=complaint, agency=agency, programme=programme, reason=reason.strip(),
                        documents=",".join(documents or []), drafted_by_id=actor.id, status=S.DRAFT,
                        district_code=district_of(case), signoff_due=signoff_due_for(case))
    db.session.add(referral)
    db.session.flush()
    if complaint is not None:
        cases.move_complaint(complaint, ComplaintStatus.REFERRED, actor, note=f"referral {referral.id}")
    _audit(referral, "draft", actor, f"agency={agency.code}")
    _event(referral, "referral_drafted", actor, public=False,
           note=programme.name if programme is not None else "")
    _after_change(referral, actor)
    return referral


def update_draft(referral: Referral, actor, *, agency, programme=None, complaint=None, reason: str,
                 documents: list[str] | None = None) -> None:
    """Edit a draft, or a draft the supervisor returned."""
    if ReferralStatus(referral.status) not in EDITABLE:
        raise TransitionError(_l("Rujukan yang sudah diajukan atau ditetapkan tidak dapat diubah."))
    _check_choices(referral.case, agency, programme, complaint)
    if not reason.strip():
        raise DomainError(_l("Tuliskan alasan rujukan."), field="reason")
    lock_case(referral.case_id)
    old_complaint = referral.complaint
    before = _draft_values(referral)
    referral.agency, referral.programme, referral.complaint = agency, programme, complaint
    referral.reason, referral.documents = reason.strip(), ",".join(documents or [])
    after = _draft_values(referral)
    changed = [name for name in before if before[name] != after[name]]
    now = utcnow()
    for name in changed:
        db.session.add(ReferralChange(referral=referral, actor_id=actor.id, field=name, before=before[name],
                                      after=after[name], at=now))
    _audit(referral, "edit", actor, f"agency={agency.code}; diubah: {', '.join(changed) or '-'}")
    db.session.flush()
    if old_complaint is not None and old_complaint is not complaint:
        sync_complaint(old_complaint, actor)
    _after_change(referral, actor)


def _draft_values(referral: Referral) -> dict[str, str]:
    """A draft's fields as its history shows them: names, not ids (documents by the district's list)."""
    from slrt.admin.models import DocumentType
    codes = [c for c in referral.documents.split(",") if c]
    names = dict(db.session.execute(select(DocumentType.code, DocumentType.name)
                                    .where(DocumentType.code.in_(codes))).all()) if codes else {}
    complaint = referral.complaint
    return {
        "agency": referral.agency.name if referral.agency else "",
        "programme": referral.programme.name if referral.programme else "",
        "complaint": f"{complaint.category.name}: {complaint.description}" if complaint is not None else "",
        "reason": referral.reason,
        "documents": ", ".join(names.get(code, code) for code in codes),
    }


def submit(referral: Referral, actor) -> None:
    """Send the draft to the sign-off queue."""
    _move(referral, S.PENDING_SIGNOFF, actor)
    referral.submitted_at = utcnow()
    _event(referral, "referral_submitted", actor, public=False)
    _after_change(referral, actor)


def cancel(referral: Referral, actor, note: str = "") -> None:
    """Withdraw a draft before sign-off (e.g. the citizen no longer needs it)."""
    _move(referral, S.CANCELLED, actor, note)
    _event(referral, "referral_cancelled", actor, public=False, note=note)
    _after_change(referral, actor)


class AlreadyDecided(TransitionError):
    """Another signer decided first."""


def decision_of(referral: Referral) -> ReferralStatus | None:
    """The sign-off decision the referral got last, whatever happened to it since: an approved referral has
    its letter number, a rejected one stays rejected, and a returned one may since have been edited,
    resubmitted or withdrawn. None before any decision."""
    if referral.decided_at is None:
        return None
    if referral.letter_number is not None:
        return S.APPROVED
    if referral.status == S.REJECTED:
        return S.REJECTED
    return S.RETURNED


def _already_decided(referral: Referral) -> AlreadyDecided:
    """Who decided, what and when: the signer who lost a race must not have to guess."""
    from slrt.core.i18n import long_datetime
    who = referral.decided_by.full_name if referral.decided_by else "?"
    decision = decision_of(referral) or ReferralStatus(referral.status)
    return AlreadyDecided(_("Rujukan ini sudah diputuskan (%(status)s) oleh %(who)s pada %(when)s.",
                            status=LABELS.label(ReferralStatus, decision), who=who,
                            when=long_datetime(referral.decided_at) if referral.decided_at else "?"))


def decide(referral: Referral, actor, decision: ReferralStatus, note: str, today: date) -> None:
    """Sign-off: approve (numbers the letter), return with a note, or reject with a reason. Exactly one
    decision wins: the UPDATE only matches while the referral still waits for sign-off."""
    decision = ReferralStatus(decision)
    if decision not in SIGNOFF_DECISIONS:
        raise DomainError(_l("Keputusan tidak dikenal."))
    if decision != S.APPROVED and not note.strip():
        raise DomainError(_l("Tuliskan catatan atau alasan untuk back office."), field="note")
    if referral.status != S.PENDING_SIGNOFF and referral.decided_at is not None:
        # Another signer decided since this one opened the page (returned drafts included: they wait for
        # the back office now, not for a second decision).
        raise _already_decided(referral)
    check_transition(referral, decision)
    now = utcnow()
    result = db.session.execute(
        update(Referral).where(Referral.id == referral.id,
                               Referral.status.in_(sorted(REFERRAL_TRANSITIONS.sources(decision))))
        .values(status=decision, decided_by_id=actor.id, decided_at=now, decision_note=note.strip())
        .execution_options(synchronize_session=False))
    db.session.refresh(referral)
    if result.rowcount != 1:
        raise _already_decided(referral)
    lock_case(referral.case_id)
    _audit(referral, str(decision), actor, f"pending_signoff->{decision} {note.strip()}".strip())
    if decision == S.APPROVED:
        _issue_letter(referral, actor, today)
    elif decision == S.RETURNED:
        _event(referral, "referral_returned", actor, public=False, note=note.strip())
    else:
        _event(referral, "referral_rejected", actor, public=False, note=note.strip())
    _after_change(referral, actor)


def next_letter_seq(district_code: str, year: int) -> int:
    """The next number of the district's year, gap-free: one upsert increments the counter row (creating it
    for the year's first letter) and holds its row lock until this transaction commits, so concurrent
    approvals queue behind it and a rolled-back approval gives its number back."""
    dialect = db.engine.dialect.name
    if dialect in ("mysql", "mariadb"):
        from sqlalchemy.dialects.mysql import insert as upsert
        statement = upsert(LetterCounter).values(district_code=district_code, year=year, last_seq=1)
        statement = statement.on_duplicate_key_update(last_seq=LetterCounter.last_seq + 1)
    else:  # SQLite (and PostgreSQL) spell it ON CONFLICT
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as upsert
        else:
            from sqlalchemy.dialects.sqlite import insert as upsert
        statement = upsert(LetterCounter).values(district_code=district_code, year=year, last_seq=1)
        statement = statement.on_conflict_do_update(index_elements=["district_code", "year"],
                                                    set_={"last_seq": LetterCounter.last_seq + 1})
    db.session.execute(statement)
    return db.session.scalar(select(LetterCounter.last_seq).where(LetterCounter.district_code == district_code,
                                                                  LetterCounter.year == year))


def new_verification_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))


def _issue_letter(referral: Referral, actor, today: date) -> None:
    case = referral.case
    district = district_of(case)
    pattern = settings.get("letter_pattern", district) or settings.DEFAULTS["letter_pattern"]
    if pattern_errors(pattern):  # a bad pattern fails before the counter moves
        raise DomainError(_("Pola nomor surat di pengaturan tidak sah (\"%(pattern)s\"). Minta administrator "
                            "memperbaikinya di halaman Pengaturan.", pattern=pattern))
    seq = next_letter_seq(district, today.year)
    referral.district_code = district
    referral.letter_year, referral.letter_seq = today.year, seq
    referral.letter_number = format_letter_number(pattern, seq, today)
    referral.letter_date = today
    referral.verification_code = new_verification_code()
    referral.response_due = add_working_days(today, settings.get_int("response_days", district), _days_off(case))
    title = settings.get("letter_signer_title", district) or settings.DEFAULTS["letter_signer_title"]
    if settings.get("letter_signer_name", district):
        referral.signer_name = settings.get("letter_signer_name", district)
        referral.signer_nip = settings.get("letter_signer_nip", district)
        referral.signer_title = title
    else:  # no signer configured: the approver signs on the head's behalf (atas nama)
        referral.signer_name, referral.signer_nip = actor.full_name, actor.nip or ""
        referral.signer_title = f"a.n. {title}"
    service = referral.programme.name if referral.programme else referral.agency.name
    message = _("Anda dirujuk ke %(agency)s untuk %(service)s, surat no. %(number)s. Bawa surat itu ke sana.",
                agency=referral.agency.name, service=service, number=referral.letter_number)
    short = _("Anda dirujuk ke %(agency)s, surat no. %(number)s. Bawa surat itu ke sana.",
              agency=referral.agency.name, number=referral.letter_number)
    _event(referral, "referred", actor, public=True, note=referral.letter_number, message=message, sms=True,
           sms_text=short)


def respond(referral: Referral, actor, response: ReferralStatus, note: str, *, on_behalf: bool,
            today: date) -> None:
    """The agency's answer: accepted, more documents needed (the clock pauses), completed with an outcome,
    or declined with a reason. The back office may record it on the agency's behalf."""
    response = ReferralStatus(response)
    if response not in AGENCY_RESPONSES:
        raise DomainError(_l("Tanggapan tidak dikenal."))
    note = note.strip()
    if response != S.ACCEPTED and not note:
        raise DomainError({S.NEEDS_DOCUMENTS: _l("Tuliskan dokumen yang masih diperlukan."),
                           S.COMPLETED: _l("Tuliskan hasil layanan (mis. \"PBI-JKN aktif kembali\")."),
                           S.DECLINED: _l("Tuliskan alasan penolakan.")}[response], field="note")
    previous = ReferralStatus(referral.status)
    _move(referral, response, actor, note)
    if previous == S.NEEDS_DOCUMENTS:
        _resume_clock(referral, today)
    if response == S.NEEDS_DOCUMENTS:
        referral.paused_since = utcnow()
    referral.outcome = note
    referral.responded_at = utcnow()
    referral.response_by_id = actor.id
    referral.response_on_behalf = on_behalf
    agency = referral.agency.name
    messages = {
        S.ACCEPTED: (_("%(agency)s menerima rujukan Anda dan sedang memprosesnya.", agency=agency), False),
        S.NEEDS_DOCUMENTS: (_("%(agency)s meminta dokumen tambahan: %(what)s", agency=agency, what=note), True),
        S.COMPLETED: (_("Rujukan ke %(agency)s selesai: %(outcome)s", agency=agency, outcome=note), True),
        S.DECLINED: (_("%(agency)s tidak dapat memenuhi rujukan: %(reason)s", agency=agency, reason=note), True),
    }
    message, sms = messages[response]
    internal = _("Dicatat oleh %(who)s atas nama instansi.", who=actor.full_name) if on_behalf else ""
    _event(referral, f"agency_{response}", actor, public=True, note=" ".join(p for p in (note, internal) if p),
           message=message, sms=sms)
    _after_change(referral, actor)


def _resume_clock(referral: Referral, today: date) -> None:
    """Time spent waiting on the citizen does not count: push the agency's due date by the paused working days."""
    if referral.paused_since is None:
        return
    paused = max(0, working_days_between(to_local(referral.paused_since).date(), today, _days_off(referral.case)))
    if referral.response_due is not None and paused:
        referral.response_due = add_working_days(referral.response_due, paused, _days_off(referral.case))
    referral.paused_since = None
