"""The Indonesian name key: real spelling variants of the same name share a key; different names do not."""
import pytest

from slrt.search.phonetic import name_key

# Pairs seen on KTPs, family cards and DTSEN extracts for the same person.
SAME = [
    ("Muhammad", "Muhamad"), ("Muhammad", "Mohammad"), ("Muhammad", "Mochammad"), ("Muhammad", "Mohamad"),
    ("Muhammad", "Muchamad"), ("Muhammad", "Mokhammad"), ("Muhammad", "Muhammed"), ("Muhammad Ali", "Moh. Ali"),
    ("Muhammad Ali", "Muh Ali"), ("Muhammad Ali", "Mhd. Ali"),
    ("Nur Hasanah", "Noer Hasanah"), ("Nur", "Noor"), ("Siti Aminah", "Sitti Aminah"), ("Siti Aminah", "SITI AMINA"),
    ("Soekarno", "Sukarno"), ("Soeharto", "Suharto"), ("Abdoel Rachman", "Abdul Rahman"),
    ("Djoko Susilo", "Joko Susilo"), ("Djuwita", "Juwita"), ("Tjahjo Kumolo", "Cahyo Kumolo"),
    ("Tjipto", "Cipto"), ("Jusuf", "Yusuf"), ("Djaja", "Jaya"), ("Njoman", "Nyoman"), ("Sjahrir", "Syahrir"),
    ("Achmad", "Ahmad"), ("Akhmad", "Ahmad"), ("Chairul", "Khairul"), ("Chairul Anwar", "Hairul Anwar"),
    ("Dhani", "Dani"), ("Bhakti", "Bakti"), ("Fatimah", "Fatima"), ("Zubaidah", "Zubaida"),
    ("Ma'ruf", "Maruf"), ("Qomariah", "Komariah"), ("Dzikri", "Zikri"), ("Andi  Rahmat", "andi rahmat"),
    ("Désy Ratnasari", "Desy Ratnasari"), ("Wayan Suardana", "WAYAN SUARDANA"), ("Yuliani", "Juliani"),
]

# Different names that a key too coarse would fold together.
DIFFERENT = [("Siti", "Soto"), ("Nur", "Nora"), ("Budi", "Badu"), ("Ani", "Ana"), ("Slamet", "Samsul"),
             ("Hasan", "Husin"), ("Rina", "Rini")]


@pytest.mark.parametrize("first, second", SAME)
def test_spelling_variants_share_a_key(first, second):
    assert name_key(first) == name_key(second)


@pytest.mark.parametrize("first, second", DIFFERENT)
def test_different_names_keep_different_keys(first, second):
    assert name_key(first) != name_key(second)


def test_the_key_keeps_words_so_a_search_can_match_any_word():
    assert name_key("Siti  Nur'aini, S.Pd") == "SITI NURAINI S PD"
    assert name_key("Muhammad Nur Hidayat").split() == ["MUHAMAD", "NUR", "HIDAYAT"]


def test_empty_and_odd_input_gives_a_short_key():
    assert name_key("") == ""
    assert name_key("  ...  ") == ""
    assert len(name_key("Abdurrahman " * 30)) <= 120


def test_the_migration_backfills_the_key_of_people_already_stored(make_app, tmp_path):
    """A private SQLite database at the revision before search, with a visitor and a registry person in it:
    after the upgrade both carry the key, so the search finds people registered before it existed."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from slrt.extensions import db
    earlier = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'earlier.db'}")
    with earlier.app_context():
        upgrade(revision="0004")
        db.session.execute(text("INSERT INTO regions (code, name, level, parent_code, active, dataset_version, updated_at) "
                                "VALUES ('32', 'JAWA BARAT', 1, NULL, 1, 'test', '2026-01-01')"))
        db.session.execute(text(
            "INSERT INTO people (nik, name, birth_place, birth_date, sex, phone, kk_number, address, rt, rw, "
            "region_code, created_at, updated_at) VALUES ('3204051708850003', 'Djoko Soesilo', '', '1985-08-17', "
            "'L', '', '', '', '', '', '32', '2026-01-01', '2026-01-01')"))
        db.session.execute(text(
            "INSERT INTO registry_people (nik, import_id, line, kk_number, name, name_key, birth_place, sex, "
            "relation, region_code, disability, dukcapil_matched, pkh, bpnt, pbi, pip, bst, atensi) VALUES "
            "('3204054909830001', 1, 2, '3204050101200001', 'SITTI AMINAH', 'SITTI AMINAH', '', 'P', 2, '32', "
            "0, 1, 0, 0, 0, 0, 0, 0)"))
        db.session.commit()
        upgrade()
        assert db.session.execute(text("SELECT name_phonetic FROM people")).scalar() == "YOKO SUSILO"
        assert db.session.execute(text("SELECT name_phonetic FROM registry_people")).scalar() == "SITI AMINA"
        db.engine.dispose()
