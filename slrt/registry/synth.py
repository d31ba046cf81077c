"""A realistic, made-up district extract for tests and benchmarks (deterministic for a seed).

Valid NIKs and family-card numbers on the district's real kecamatan codes, households with plausible
members (a head, usually a spouse, children of fitting ages, sometimes an old parent), deciles weighted
to the poorer end as extracts are, and programme flags that follow the decile.
"""
from __future__ import annotations

import csv
import random
from datetime import date, timedelta

HEADERS = ["NIK", "NOKK", "NAMA", "TMPT_LAHIR", "TGL_LAHIR", "JNS_KEL", "HUB_KRT", "ALAMAT", "RT", "RW",
           "KODE_WILAYAH", "DESIL", "DISABILITAS", "PADAN_DUKCAPIL", "PKH", "BPNT", "PBI", "PIP"]
REFERENCE_DAY = date(2025, 6, 30)  # ages are counted from here, so the file does not depend on today
MEN = ("Asep", "Dedi", "Ujang", "Agus", "Budi", "Cecep", "Dadang", "Endang", "Hendra", "Iwan", "Jajang",
       "Kurnia", "Mamat", "Nana", "Rudi", "Sutisna", "Tatang", "Ujang", "Wawan", "Yayan", "Ahmad", "Muhammad",
       "Rizky", "Fajar", "Ilham", "Dimas", "Bayu", "Eko", "Joko", "Slamet")
WOMEN = ("Siti", "Aisyah", "Nur", "Euis", "Imas", "Neneng", "Yeni", "Lilis", "Rina", "Sri", "Dewi", "Ani",
         "Tuti", "Entin", "Popon", "Iis", "Wati", "Nining", "Fitri", "Putri", "Ayu", "Dinda", "Nabila",
         "Salsabila", "Rahmawati", "Kartini", "Yuyun", "Cucu", "Enok", "Ratna")
FAMILY = ("Suryana", "Hidayat", "Rahman", "Saputra", "Permana", "Kusnadi", "Sopandi", "Nugraha", "Setiawan",
          "Gunawan", "Mulyana", "Rohmat", "Sumarna", "Hermawan", "Supriatna", "Wijaya", "Kurniawan",
          "Firmansyah", "Maulana", "Ramdani", "Aminah", "Marlina", "Rosita", "Susanti", "Lestari")
PLACES = ("Bandung", "Soreang", "Majalaya", "Banjaran", "Ciparay", "Garut", "Cianjur", "Sumedang", "Tasikmalaya",
          "Jakarta")
STREETS = ("Kp. Cibeureum", "Kp. Sukamaju", "Kp. Babakan", "Jl. Raya Soreang", "Kp. Cikoneng", "Kp. Pasir Jati",
           "Jl. Sukarno Hatta", "Kp. Ciherang", "Kp. Margahayu", "Kp. Bojong")


def _nik_date(born: date, woman: bool) -> str:
    return f"{born.day + (40 if woman else 0):02d}{born.month:02d}{born.year % 100:02d}"


class Synth:
    def __init__(self, villages: list[str], seed: int):
        self.rng = random.Random(seed)
        self.villages = villages
        self.serials: dict[str, int] = {}

    def _serial(self, key: str) -> str:
        n = self.serials.get(key, 0) + 1
        if n > 9999:
            raise OverflowError(key)
        self.serials[key] = n
        return f"{n:04d}"

    def nik(self, village: str, born: date, woman: bool) -> str:
        prefix = village[:8].replace(".", "")
        key = prefix + _nik_date(born, woman)
        return key + self._serial(key)

    def kk(self, village: str, issued: date) -> str:
        key = "K" + village[:8].replace(".", "") + issued.strftime("%d%m%y")
        return key[1:] + self._serial(key)

    def born(self, age_from: int, age_to: int) -> date:
        return REFERENCE_DAY - timedelta(days=self.rng.randint(age_from * 365 + 1, age_to * 365 + 364))

    def household(self):
        rng = self.rng
        village = rng.choice(self.villages)
        decile = rng.choices(range(1, 11), weights=(16, 15, 14, 13, 11, 9, 8, 6, 5, 3))[0]
        issued = REFERENCE_DAY - timedelta(days=rng.randint(30, 20 * 365))
        kk = self.kk(village, issued)
        family = rng.choice(FAMILY)
        address = f"{rng.choice(STREETS)} No. {rng.randint(1, 120)}"
        rt, rw = f"{rng.randint(1, 15):03d}", f"{rng.randint(1, 10):03d}"
        head_age = rng.randint(24, 78)
        head_woman = rng.random() < 0.12
        members = [(1, head_woman, head_age)]
        if not head_woman and rng.random() < 0.85:
            members.append((2, True, max(18, head_age + rng.randint(-8, 3))))
        for _ in range(rng.choices((0, 1, 2, 3, 4, 5), weights=(12, 22, 30, 20, 10, 6))[0]):
            oldest = min(head_age - 17, 30)
            if oldest >= 0:
                members.append((3, rng.random() < 0.5, rng.randint(0, oldest)))
        if head_age < 55 and rng.random() < 0.12:
            members.append((6, rng.random() < 0.6, rng.randint(max(head_age + 18, 60), max(head_age + 30, 85))))
        poor = decile <= 4
        household_pkh = poor and rng.random() < 0.45
        household_bpnt = poor and rng.random() < 0.6
        household_pbi = decile <= 5 and rng.random() < 0.75
        rows = []
        for relation, woman, age in members:
            born = self.born(age, age)
            first = rng.choice(WOMEN if woman else MEN)
            name = f"{first} {family}" if relation in (1, 3) else f"{first} {rng.choice(FAMILY)}"
            pip = relation == 3 and 6 <= age <= 18 and poor and rng.random() < 0.5
            rows.append([
                self.nik(village, born, woman), kk, name.upper(), rng.choice(PLACES).upper(), born.isoformat(),
                "2" if woman else "1", str(relation), address.upper(), rt, rw, village.replace(".", ""),
                str(decile), "1" if rng.random() < 0.03 else "0", "0" if rng.random() < 0.03 else "1",
                "1" if household_pkh else "0", "1" if household_bpnt else "0", "1" if household_pbi else "0",
                "1" if pip else "0"])
        return rows


def write_extract(path, villages: list[str], people: int, seed: int, delimiter: str = ",") -> int:
    """Write about `people` rows (whole households) to `path`; returns the number written."""
    synth = Synth(villages, seed)
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(HEADERS)
        while written < people:
            rows = synth.household()[: people - written]
            writer.writerows(rows)
            written += len(rows)
    return written
