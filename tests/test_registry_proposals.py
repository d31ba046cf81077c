"""Proposals (usulan/sanggah): the transition table, the steps, the SIKS-NG export."""
from __future__ import annotations

import io
from datetime import date

import pytest
from werkzeug.datastructures import FileStorage

from slrt.core.errors import DomainError, TransitionError
from slrt.extensions import db
from slrt.registry import operations
from slrt.registry.models import PROPOSAL_TRANSITIONS
from slrt.registry.models import ProposalStatus as S
from slrt.registry.siks_ng import HEADERS, batch_rows
from tests.registry_helpers import family, hold_meeting, import_file, nik, write_csv


def new_proposal(user, places, kind="usulan", nik_value=None, **kw):
    data = operations.ProposalData(kind=kind, nik=nik_value or nik(places.kecamatan, date(1975, 2, 3)),
                                   name="Ujang Sopandi", region_code=places.desa, kk_number="", **kw)
    proposal = operations.create_proposal(data, user)
    db.session.commit()
    return proposal


def minutes(name="notulen.pdf", content=b"%PDF-1.4 notulen"):
    return FileStorage(stream=io.BytesIO(content), filename=name, content_type="application/pdf")


ACTIONS = {
    "verify": lambda p, u: operations.record_visit(p, date(2025, 9, 2), "Rumah tidak layak huni", u),
    "deliberate": lambda p, u: hold_meeting([p], u),
    "approve": lambda p, u: operations.decide(p, True, "", u),
    "reject": lambda p, u: operations.decide(p, False, "Mampu", u),
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_transition_table(app, make_user, places, status, action):
    user = make_user("supervisor")
    proposal = new_proposal(user, places)
    proposal.status = status
    target = operations.ACTIONS[action]
    if status in PROPOSAL_TRANSITIONS.sources(target):
        ACTIONS[action](proposal, user)
        assert proposal.status == target
    else:
        with pytest.raises(TransitionError):
            ACTIONS[action](proposal, user)
        assert proposal.status == status


def test_whole_path_to_siks_ng_export(app, make_user, places):
    clerk, supervisor = make_user("facilitator"), make_user("supervisor")
    proposal = new_proposal(clerk, places, rt="003", rw="001", address="Kp. Babakan", reason="Belum terdaftar")
    ACTIONS["verify"](proposal, clerk)
    meeting = ACTIONS["deliberate"](proposal, clerk)
    assert operations.minutes_path(meeting).read_bytes().startswith(b"%PDF")
    operations.approve_meeting(meeting, supervisor)
    db.session.commit()
    rows = batch_rows(meeting, lambda nik: None, {})  # the batch's SIKS-NG sheet: one file per musdes
    record = dict(zip(HEADERS, rows[0]))
    assert len(rows) == 1 and record["NIK"] == proposal.nik and record["RT"] == "003"


def test_usulan_for_a_registered_person_is_refused_and_sanggah_needs_one(app, make_user, places, tmp_path):
    rows, niks, _kk = family(places)
    import_file(write_csv(tmp_path / "a.csv", rows))
    user = make_user("front_office")
    with pytest.raises(DomainError):
        new_proposal(user, places, nik_value=niks[0])
    with pytest.raises(DomainError):
        new_proposal(user, places, kind="sanggah", nik_value=nik(places.kecamatan, date(1970, 1, 1)), reason="x")
    assert new_proposal(user, places, kind="sanggah", nik_value=niks[0], reason="Desil salah").status == S.DRAFT
    with pytest.raises(DomainError):  # one open proposal per person
        new_proposal(user, places, kind="sanggah", nik_value=niks[0], reason="lagi")


def test_minutes_must_be_a_document_and_rejection_needs_a_reason(app, make_user, places):
    user = make_user("supervisor")
    proposal = new_proposal(user, places)
    ACTIONS["verify"](proposal, user)
    meeting = hold_meeting([proposal], user, sign=False)
    with pytest.raises(DomainError):
        operations.sign_meeting(meeting, minutes("notulen.pdf", b"MZ\x90\x00 program"), user)
    assert proposal.status == S.VERIFIED
    with pytest.raises(DomainError):
        operations.decide(proposal, False, "  ", user)
