"""The household's socio-economic variables, as DTSEN collects them: codes and Indonesian labels in one place.

Source: Badan Pusat Statistik, *Pendataan Awal Registrasi Sosial Ekonomi 2022*, questionnaire REGSOSEK22-K
(one per family; the K form), with *Buku 3 Pedoman Pendataan Lapangan Regsosek 2022* (BPS, publication no.
04300.2207, catalogue 1303152) and BPS's training slides "Blok III Keterangan Perumahan" (September 2022).
DTSEN (Inpres 4/2025) was built on Regsosek 2022 and keeps its variables; SIKS-NG asks the same when a
proposal is entered.

- Blok III, housing (keterangan perumahan): 301a ownership of the house, 302 floor area, 303 widest floor,
  304 widest wall, 305 widest roof, 306a main drinking water, 307a main lighting, 308 main cooking fuel,
  309a toilet facility, 310 final disposal of faeces.
- Blok IV, members (keterangan anggota keluarga): relationship to the head, schooling (participation and
  highest diploma), work in the past week (main industry and employment status), disability and chronic
  illness. Regsosek asks about disability as functional difficulties (seeing, hearing, walking, ...) with a
  degree each; here they are condensed to the kinds of UU 8/2016 that SIKS-NG and the Puskesos use.
- Blok V, assets (keterangan aset): movable assets owned (501) and land or another house (502); livestock is
  not asked here.

Codes are the questionnaire's where it numbers its answers; the portal stores the code and shows the label.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Blok III ----------------------------------------------------------------------------------------------
OWNERSHIP = {  # 301a status kepemilikan bangunan tempat tinggal
    "1": _l("Milik sendiri"), "2": _l("Kontrak/sewa"), "3": _l("Bebas sewa"), "4": _l("Dinas"),
    "5": _l("Lainnya"),
}
FLOOR = {  # 303 jenis lantai terluas
    "1": _l("Marmer/granit"), "2": _l("Keramik"), "3": _l("Parket/vinil/karpet"), "4": _l("Ubin/tegel/teraso"),
    "5": _l("Kayu/papan"), "6": _l("Semen/bata merah"), "7": _l("Bambu"), "8": _l("Tanah"), "9": _l("Lainnya"),
}
WALL = {  # 304 jenis dinding terluas
    "1": _l("Tembok"), "2": _l("Plesteran anyaman bambu/kawat"), "3": _l("Kayu/papan/gipsum/GRC/kalsiboard"),
    "4": _l("Anyaman bambu"), "5": _l("Batang kayu"), "6": _l("Bambu"), "7": _l("Lainnya"),
}
ROOF = {  # 305 jenis atap terluas
    "1": _l("Beton"), "2": _l("Genteng"), "3": _l("Seng"), "4": _l("Asbes"), "5": _l("Bambu"),
    "6": _l("Kayu/sirap"), "7": _l("Jerami/ijuk/daun/rumbia"), "8": _l("Lainnya"),
}
WATER = {  # 306a sumber air minum utama
    "1": _l("Air kemasan bermerek"), "2": _l("Air isi ulang"), "3": _l("Leding"), "4": _l("Sumur bor/pompa"),
    "5": _l("Sumur terlindung"), "6": _l("Sumur tak terlindung"), "7": _l("Mata air terlindung"),
    "8": _l("Mata air tak terlindung"), "9": _l("Air permukaan (sungai/danau/waduk/kolam/irigasi)"),
    "10": _l("Air hujan"), "11": _l("Lainnya"),
}
LIGHTING = {  # 307a sumber penerangan utama
    "1": _l("Listrik PLN dengan meteran"), "2": _l("Listrik PLN tanpa meteran"), "3": _l("Listrik non-PLN"),
    "4": _l("Bukan listrik"),
}
COOKING_FUEL = {  # 308 bahan bakar/energi utama untuk memasak
    "1": _l("Listrik"), "2": _l("Gas elpiji 5,5 kg/blue gaz"), "3": _l("Gas elpiji 12 kg"),
    "4": _l("Gas elpiji 3 kg"), "5": _l("Gas kota/meteran PGN"), "6": _l("Biogas"), "7": _l("Minyak tanah"),
    "8": _l("Briket"), "9": _l("Arang"), "10": _l("Kayu bakar"), "11": _l("Lainnya"),
    "0": _l("Tidak memasak di rumah"),
}
TOILET = {  # 309a kepemilikan dan penggunaan fasilitas tempat buang air besar
    "1": _l("Ada, digunakan hanya anggota keluarga sendiri"),
    "2": _l("Ada, digunakan bersama anggota keluarga dari keluarga tertentu"),
    "3": _l("Ada, di MCK komunal"), "4": _l("Ada, di MCK umum/siapa pun menggunakan"),
    "5": _l("Ada, anggota keluarga tidak menggunakan"), "6": _l("Tidak ada fasilitas"),
}
SEWAGE = {  # 310 tempat pembuangan akhir tinja
    "1": _l("Tangki septik"), "2": _l("IPAL"), "3": _l("Kolam/sawah/sungai/danau/laut"), "4": _l("Lubang tanah"),
    "5": _l("Pantai/tanah lapang/kebun"), "6": _l("Lainnya"),
}

# Blok V: movable assets owned (501), code -> label; stored as the sorted codes joined by commas.
ASSETS = {
    "gas": _l("Tabung gas 5,5 kg atau lebih"), "fridge": _l("Lemari es/kulkas"), "ac": _l("AC"),
    "heater": _l("Pemanas air (water heater)"), "phone": _l("Telepon rumah (PSTN)"),
    "tv": _l("Televisi layar datar (minimal 30 inci)"), "gold": _l("Emas/perhiasan (minimal 10 gram)"),
    "computer": _l("Komputer/laptop/tablet"), "bicycle": _l("Sepeda"), "motorcycle": _l("Sepeda motor"),
    "car": _l("Mobil"), "boat": _l("Perahu"), "outboard": _l("Motor tempel"), "motorboat": _l("Perahu motor"),
    "smartphone": _l("Smartphone"),
}

# Blok IV: members --------------------------------------------------------------------------------------
RELATION = {  # hubungan dengan kepala keluarga (the registry extract's HUB_KRT codes)
    "1": _l("Kepala keluarga"), "2": _l("Istri/suami"), "3": _l("Anak"), "4": _l("Menantu"), "5": _l("Cucu"),
    "6": _l("Orang tua/mertua"), "7": _l("Pembantu rumah tangga"), "8": _l("Lainnya"),
}
SEX = {"1": _l("Laki-laki"), "2": _l("Perempuan")}
SCHOOLING = {  # partisipasi sekolah
    "0": _l("Tidak/belum pernah sekolah"), "1": _l("Masih sekolah"), "2": _l("Tidak bersekolah lagi"),
}
DIPLOMA = {  # ijazah/STTB tertinggi yang dimiliki
    "0": _l("Tidak punya ijazah"), "1": _l("SD/sederajat"), "2": _l("SMP/sederajat"), "3": _l("SMA/sederajat"),
    "4": _l("D1/D2/D3"), "5": _l("D4/S1"), "6": _l("S2/S3"),
}
INDUSTRY = {  # lapangan usaha dari pekerjaan utama
    "1": _l("Pertanian tanaman padi dan palawija"), "2": _l("Hortikultura"), "3": _l("Perkebunan"),
    "4": _l("Perikanan"), "5": _l("Peternakan"), "6": _l("Kehutanan dan pertanian lainnya"),
    "7": _l("Pertambangan/penggalian"), "8": _l("Industri pengolahan"),
    "9": _l("Pengadaan listrik, gas, uap/air panas dan udara dingin"),
    "10": _l("Pengelolaan air, limbah dan daur ulang sampah"), "11": _l("Konstruksi"),
    "12": _l("Perdagangan; reparasi mobil dan sepeda motor"), "13": _l("Pengangkutan dan pergudangan"),
    "14": _l("Penyediaan akomodasi dan makan minum"), "15": _l("Informasi dan komunikasi"),
    "16": _l("Keuangan dan asuransi"), "17": _l("Real estat"), "18": _l("Jasa perusahaan"),
    "19": _l("Administrasi pemerintahan, pertahanan dan jaminan sosial wajib"), "20": _l("Jasa pendidikan"),
    "21": _l("Jasa kesehatan dan kegiatan sosial"), "22": _l("Jasa kemasyarakatan, hiburan dan perorangan lainnya"),
    "23": _l("Kegiatan rumah tangga sebagai pemberi kerja"), "24": _l("Lainnya"),
}
JOB_STATUS = {  # status/kedudukan dalam pekerjaan utama
    "1": _l("Berusaha sendiri"), "2": _l("Berusaha dibantu buruh tidak tetap/tidak dibayar"),
    "3": _l("Berusaha dibantu buruh tetap/dibayar"), "4": _l("Buruh/karyawan/pegawai swasta"),
    "5": _l("PNS/TNI/Polri/BUMN/BUMD/pejabat negara"), "6": _l("Pekerja bebas pertanian"),
    "7": _l("Pekerja bebas nonpertanian"), "8": _l("Pekerja keluarga/tidak dibayar"),
}
DISABILITY = {  # jenis disabilitas (UU 8/2016)
    "0": _l("Tidak ada"), "1": _l("Disabilitas fisik"), "2": _l("Disabilitas intelektual"),
    "3": _l("Disabilitas mental"), "4": _l("Disabilitas sensorik netra"), "5": _l("Disabilitas sensorik rungu"),
    "6": _l("Disabilitas sensorik wicara"), "7": _l("Disabilitas ganda/multi"),
}
CHRONIC_ILLNESS = {  # keluhan kesehatan kronis/menahun
    "0": _l("Tidak ada"), "1": _l("Hipertensi (darah tinggi)"), "2": _l("Rematik"), "3": _l("Asma"),
    "4": _l("Masalah jantung"), "5": _l("Diabetes (kencing manis)"), "6": _l("Tuberkulosis (TBC)"),
    "7": _l("Stroke"), "8": _l("Kanker/tumor ganas"), "9": _l("Gagal ginjal"), "10": _l("Hemofilia"),
    "11": _l("HIV/AIDS"), "12": _l("Kolesterol"), "13": _l("Sirosis hati"), "14": _l("Talasemia"),
    "15": _l("Leukemia"), "16": _l("Alzheimer"), "17": _l("Lainnya"),
}

# The household's variables in the order of the questionnaire: field -> (question number, code list).
HOUSE_FIELDS = {
    "ownership": ("301a", OWNERSHIP), "floor": ("303", FLOOR), "wall": ("304", WALL), "roof": ("305", ROOF),
    "water": ("306a", WATER), "lighting": ("307a", LIGHTING), "cooking_fuel": ("308", COOKING_FUEL),
    "toilet": ("309a", TOILET), "sewage": ("310", SEWAGE),
}
MEMBER_FIELDS = {
    "relation": RELATION, "sex": SEX, "schooling": SCHOOLING, "diploma": DIPLOMA, "industry": INDUSTRY,
    "job_status": JOB_STATUS, "disability": DISABILITY, "chronic_illness": CHRONIC_ILLNESS,
}
# What a new form starts with: the most common answers, so a typical house needs few changes.
HOUSE_DEFAULTS = {"ownership": "1", "lighting": "1", "cooking_fuel": "4", "toilet": "1", "sewage": "1"}
MEMBER_DEFAULTS = {"schooling": "2", "disability": "0", "chronic_illness": "0"}


def label(codes: dict, code: str | None) -> str:
    """The label of `code` in `codes` (the code itself when unknown, '' when empty)."""
    if not code:
        return ""
    return str(codes.get(code, code))


def choices(codes: dict, blank=None) -> list[tuple[str, str]]:
    out = [("", blank)] if blank is not None else []
    return out + [(code, text) for code, text in codes.items()]
