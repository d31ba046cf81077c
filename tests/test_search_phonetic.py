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
