"""The small things of the intake form: members start with no relationship (one must be chosen), the receipt
lists the documents received, the "NIK sah" check stays after a refused submit, required fields are marked,
and the visit type is called "Jenis layanan" everywhere."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from slrt.cases.models import Case
from slrt.extensions import db
from tests.conftest import count
from tests.intake_helpers import intake_data
from tests.test_intake import field_block, field_errors

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def counter(client, login_as):
    login_as("front_office")
    return client


def _selected(select_html: str) -> list[str]:
    return re.findall(r'<option[^>]*selected[^>]*>([^<]*)<', select_html)


def test_an_added_member_starts_with_no_relationship(counter):
    row = counter.get("/pendaftaran/baris-anggota", headers={"HX-Request": "true"}).get_data(as_text=True)
    select = re.search(r'<select[^>]*-relation"[^>]*>.*?</select>', row, re.S).group(0)
    first = re.search(r"<option[^>]*>([^<]*)<", select).group(1)
    assert first == "— pilih hubungan —"
    assert "Kepala keluarga" not in _selected(select)


def test_a_member_without_a_relationship_is_refused_and_kept(counter, places):
    response = counter.post("/pendaftaran/baru", data=intake_data(places, **{
        "members-0-name": "Dedi Suryana", "members-0-nik": "3204050101100003", "members-0-relation": ""}))
    assert response.status_code == 200 and count(Case) == 0
    html = response.get_data(as_text=True)
    assert "Pilih hubungan anggota ini dengan kepala keluarga." in field_errors(html, "members-0-relation")
    assert 'value="Dedi Suryana"' in field_block(html, "members-0-name")
    chosen = counter.post("/pendaftaran/baru", data=intake_data(places, **{
        "members-0-name": "Dedi Suryana", "members-0-nik": "3204050101100003", "members-0-relation": "3"}))
    assert chosen.status_code == 303
    case = db.session.scalar(db.select(Case))
    assert [(m.name, m.relation) for m in case.person.members] == [("Dedi Suryana", 3)]


def test_the_receipt_lists_the_documents_received(counter, places):
    response = counter.post("/pendaftaran/baru", data=intake_data(places, documents=["KTP", "KK"]))
    assert response.status_code == 303
    receipt = counter.get(response.headers["Location"]).get_data(as_text=True)
    block = receipt.split("Dokumen diterima", 1)[1].split("</dd>", 1)[0]
    assert "KTP" in block and "Kartu Keluarga" in block and "SKTM" not in block
    other = counter.post("/pendaftaran/baru", data=intake_data(places, nik="3204051708850003", name="Joko",
                                                              birth_date="1985-08-17", sex="L"))
    none = counter.get(other.headers["Location"]).get_data(as_text=True)
    assert "Belum ada dokumen yang diserahkan." in none


def test_the_nik_check_stays_after_a_refused_submit(counter, places):
    html = counter.post("/pendaftaran/baru", data=intake_data(places, name="")).get_data(as_text=True)
    panel = html.split('id="nik-check"', 1)[1].split("</div>", 1)[0]
    assert "NIK sah." in panel and "5 Desember 1990" in panel
    bad = counter.post("/pendaftaran/baru", data=intake_data(places, nik="3204053102900001", name="")).get_data(
        as_text=True)
    assert "NIK sah." not in bad.split('id="nik-check"', 1)[1].split("</div>", 1)[0]


def test_the_intake_form_marks_required_fields(counter):
    html = counter.get("/pendaftaran/baru").get_data(as_text=True)
    assert "Kolom bertanda" in html
    for field_id in ("nik", "name", "birth_date", "sex", "kecamatan", "desa", "channel", "visit_type",
                     "complaints-0-description"):
        assert '<span class="required" aria-hidden="true"> *</span>' in field_block(html, field_id), field_id
    for optional in ("phone", "kk_number", "address", "note"):
        assert 'class="required"' not in field_block(html, optional), optional


def test_the_visit_type_is_called_jenis_layanan_everywhere(counter, make_case):
    variants = re.compile(r"[Jj]enis (kunjungan|pelayanan|permohonan)")
    found = [str(p.relative_to(ROOT)) for folder in ("templates", "slrt") for p in (ROOT / folder).rglob("*")
             if p.suffix in (".html", ".py") and "translations" not in p.parts
             and variants.search(p.read_text(encoding="utf-8"))]
    assert not found, found
    case = make_case()
    assert "Jenis layanan" in counter.get(f"/kasus/{case.id}").get_data(as_text=True)
