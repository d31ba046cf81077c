"""Registry proposals (usulan and sanggah): every state change as one function."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from slrt.audit.operations import record
from slrt.core.errors import DomainError, TransitionError
from slrt.core.spreadsheets import csv_text
from slrt.core.uploads import save_upload, stored_path
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.registry.models import (IMPORT_TRANSITIONS, PROPOSAL_TRANSITIONS, ImportStatus, Proposal, ProposalKind,
                                  ProposalStatus, RegistryImport)

S = ProposalStatus
# action -> the status it leads to; where it may start from is PROPOSAL_TRANSITIONS (models.py).
ACTIONS: dict[str, ProposalStatus] = {
    "verify": S.VERIFIED,
    "deliberate": S.DELIBERATED,
    "approve": S.APPROVED,
    "reject": S.REJECTED,
}
OPEN = (S.DRAFT, S.VERIFIED, S.DELIBERATED)


def _check(proposal: Proposal, action: str) -> ProposalStatus:
    target = ACTIONS[action]
    PROPOSAL_TRANSITIONS.check(proposal.status, target)
    return target


def _move(proposal: Proposal, action: str) -> None:
    proposal.status = _check(proposal, action)


@dataclass
class ProposalData:
    kind: str
    nik: str
    name: str
    region_code: str
    kk_number: str = ""
    address: str = ""
    rt: str = ""
    rw: str = ""
    reason: str = ""
    case_id: int | None = None


def create_proposal(data: ProposalData, user) -> Proposal:
    from slrt.registry.lookup import person_by_nik
    registered = person_by_nik(data.nik) is not None
    if data.kind == ProposalKind.USULAN and registered:
        raise DomainError(_l("Warga ini sudah terdaftar di DTSEN. Ajukan sanggah/perbaikan data, bukan usulan baru."))
    if data.kind == ProposalKind.SANGGAH and not registered:
        raise DomainError(_l("Warga ini belum terdaftar di DTSEN. Ajukan usulan baru."))
    if data.kind == ProposalKind.SANGGAH and not data.reason.strip():
        raise DomainError(_l("Tuliskan data apa yang salah atau disanggah."), field="reason")
    open_one = db.session.scalar(select(Proposal.id).where(Proposal.nik == data.nik, Proposal.status.in_(OPEN)))
    if open_one:
        raise DomainError(gettext("Sudah ada usulan yang masih berjalan untuk NIK ini (no. %(id)d).", id=open_one))
    proposal = Proposal(kind=data.kind, nik=data.nik, name=data.name.strip(), region_code=data.region_code,
                        kk_number=data.kk_number, address=data.address, rt=data.rt, rw=data.rw,
                        reason=data.reason.strip(), case_id=data.case_id, created_by_id=user.id,
                        status=ProposalStatus.DRAFT)
    db.session.add(proposal)
    db.session.flush()
    record("proposal.create", proposal, user=user, note=data.kind)
    return proposal


def record_visit(proposal: Proposal, visit_date: date, notes: str, user) -> None:
    """The home visit has verified the household's situation."""
    _move(proposal, "verify")
    proposal.visit_date, proposal.visit_notes, proposal.visit_by_id = visit_date, notes.strip(), user.id
    record("proposal.verify", proposal, user=user)
    db.session.flush()


def record_musdes(proposal: Proposal, meeting_date: date, minutes, user) -> None:
    """The village meeting (musyawarah desa) agreed; its minutes (PDF, JPEG or PNG by their content) are kept
    with the proposal."""
    _check(proposal, "deliberate")
    stored = save_upload(minutes, "document", field="minutes")
    _move(proposal, "deliberate")
    proposal.musdes_date, proposal.minutes_file, proposal.minutes_name = meeting_date, stored.name, stored.original_name
    record("proposal.deliberate", proposal, user=user, note=f"minutes {stored.type} {stored.size} bytes")
    db.session.flush()


def minutes_path(proposal: Proposal) -> Path | None:
    return stored_path("document", proposal.minutes_file)


def person_id_of(proposal: Proposal) -> int | None:
    """The citizen a proposal is about, when the portal knows them (for the audit trail of their data)."""
    from slrt.intake.models import Person
    return db.session.scalar(select(Person.id).where(Person.nik == proposal.nik))


def decide(proposal: Proposal, approve: bool, note: str, user) -> None:
    """The district approves (ready for SIKS-NG) or rejects, with a reason."""
    if not approve and not note.strip():
        raise DomainError(_l("Tuliskan alasan penolakan."), field="note")
    _move(proposal, "approve" if approve else "reject")
    proposal.decided_by_id, proposal.decided_at, proposal.decision_note = user.id, utcnow(), note.strip()
    record("proposal.approve" if approve else "proposal.reject", proposal, user=user)
    db.session.flush()


SIKS_NG_COLUMNS = ["NO", "JENIS_USULAN", "NIK", "NO_KK", "NAMA", "ALAMAT", "RT", "RW", "KODE_PROVINSI",
                   "KODE_KABUPATEN", "KODE_KECAMATAN", "KODE_DESA", "NAMA_DESA", "TANGGAL_MUSDES",
                   "ALASAN", "TANGGAL_PERSETUJUAN"]


def export_siks_ng(proposals: list[Proposal], user) -> str:
    """Approved proposals in the column layout SIKS-NG operators type from (semicolon CSV, UTF-8 BOM); names,
    addresses and reasons are written formula-safe."""
    rows = [SIKS_NG_COLUMNS]
    for n, p in enumerate(proposals, start=1):
        code = p.region_code.replace(".", "")
        rows.append([n, "USULAN BARU" if p.kind == ProposalKind.USULAN else "SANGGAH", p.nik, p.kk_number,
                     p.name.upper(), p.address, p.rt, p.rw, code[:2], code[:4], code[:6], code,
                     p.region.name if p.region else "", p.musdes_date.strftime("%d-%m-%Y") if p.musdes_date else "",
                     p.reason, p.decided_at.strftime("%d-%m-%Y") if p.decided_at else ""])
        record("proposal.export", p, user=user, note="SIKS-NG CSV")
    db.session.flush()
    return csv_text(rows, ";")


def cancel_import(row: RegistryImport, user, importer_dead: bool) -> None:
    """The administrator cancels a running import. A live importer sees it at its next chunk and purges its
    own rows; a dead one's rows are purged by the caller after the commit (`background.purge_in_background`)."""
    # An import moves by itself from RUNNING to DONE or FAILED (importer.py); a person may only cancel it,
    # which is the move to FAILED in IMPORT_TRANSITIONS.
    if not IMPORT_TRANSITIONS.allows(row.status, ImportStatus.FAILED):
        raise TransitionError(gettext("Impor no. %(id)d sudah tidak berjalan.", id=row.id))
    row.status, row.finished_at = ImportStatus.FAILED, utcnow()
    row.error = gettext("Dibatalkan oleh administrator; data DTSEN yang lama tetap dipakai.")
    record("registry.import_cancel", row, user=user,
           note="importer process gone" if importer_dead else "importer running; it stops at its next chunk")
    db.session.flush()
