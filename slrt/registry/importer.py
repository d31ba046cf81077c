"""Importing an extract: all or nothing, while the counter keeps working.

How it stays all-or-nothing without one long transaction:
1. Rows are validated and written in committed chunks (a few thousand rows, a fraction of a second of
   write lock each), tagged with this import's id. Nobody sees them: the counter only reads rows of DONE
   imports (see `lookup.py`).
2. When every row is in, one tiny write flips the import to DONE: from that instant the counter sees the
   new version of every person in it, all at once.
3. Then, in chunks again, the older versions of those people are deleted (already invisible).
If the import fails or the process is killed, its rows were never visible; they are purged by the next
import or by the administrator's "Batalkan". A killed importer is known at once: its lock file is free
(see `ownership.py`); an importer on another host counts as dead without a heartbeat for STALE_AFTER.

The writes go through the DBAPI connection with executemany (SQLite: one prepared statement reused;
MariaDB: PyMySQL turns executemany into multi-row INSERTs), not the ORM, for speed.
"""
from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from slrt.core.nik import check_kk, check_nik
from slrt.core.time import local_today, utcnow
from slrt.extensions import db
from slrt.registry import ownership
from slrt.registry.columns import match_headers
from slrt.registry.models import IMPORT_TRANSITIONS, ImportStatus, RegistryImport
from slrt.registry.reader import open_extract
from slrt.regions.models import Region, RegionLevel
from slrt.regions.operations import region_index
from slrt.search.phonetic import name_key as phonetic_key

# Rows per committed chunk: each commit rewrites the index pages it touched, so bigger chunks write far
# less; each holds the write lock for about a second, which a counter request waits out (busy timeout).
CHUNK_ROWS = int(os.environ.get("SLRT_REGISTRY_CHUNK_ROWS", "25000"))
IMPORT_CACHE_KB = int(os.environ.get("SLRT_REGISTRY_CACHE_KB", "49152"))
STALE_AFTER = timedelta(minutes=5)
# "later": the comparison with the previous import (and the compaction after it) waits for `flask registry
# changes <import>`, e.g. to run it off-peak; the change benchmark uses it to measure the comparison alone.
COMPARE_AT_IMPORT = os.environ.get("SLRT_REGISTRY_COMPARE", "import") != "later"

PEOPLE_COLUMNS = ("nik", "import_id", "line", "kk_number", "name", "name_key", "name_phonetic", "birth_place",
                  "birth_date", "sex", "relation", "region_code", "decile", "disability", "dukcapil_matched", "pkh", "bpnt", "pbi",
                  "pip", "bst", "atensi")
HOUSEHOLD_COLUMNS = ("kk_number", "import_id", "address", "rt", "rw", "region_code", "decile")
FLAG_FIELDS = ("disability", "pkh", "bpnt", "pbi", "pip", "bst", "atensi")
# Yes/no flags as Indonesian offices write them: Y/T is Ya/Tidak (so "T" is *no*), Ya/Tidak, 1/0, a tick.
# A value not listed here is refused with a reason rather than guessed.
TRUE_WORDS = {"1", "Y", "YA", "YES", "TRUE", "X", "V", "\u2713", "\u221a", "ADA", "PENERIMA", "AKTIF",
              "TERIMA", "MENERIMA"}
FALSE_WORDS = {"", "0", "T", "TDK", "TIDAK", "N", "NO", "FALSE", "F", "-", "BUKAN", "TIDAK ADA", "BUKAN PENERIMA",
               "TIDAK MENERIMA", "TIDAK AKTIF", "NON AKTIF", "NONAKTIF", "BELUM"}
# Per field, words that only make sense there.
FIELD_WORDS = {
    "dukcapil_matched": {"PADAN": 1, "SUDAH PADAN": 1, "TIDAK PADAN": 0, "BELUM PADAN": 0},
    "disability": {"BUKAN DISABILITAS": 0, "NON DISABILITAS": 0, "TIDAK DISABILITAS": 0, "NORMAL": 0},
}
# A disability column may name the kind of disability instead of a flag (JENIS_CACAT).
DISABILITY_KINDS = ("TUNA", "DISABILITAS", "CACAT", "FISIK", "NETRA", "RUNGU", "WICARA", "GRAHITA", "DAKSA",
                    "MENTAL", "INTELEKTUAL", "SENSORIK", "LUMPUH", "AUTIS", "GANDA", "PSIKOSOSIAL", "LAMBAT BELAJAR")
RELATION_WORDS = {
    "KEPALA KELUARGA": 1, "KEPALA RUMAH TANGGA": 1, "KRT": 1, "KK": 1,
    "ISTRI": 2, "SUAMI": 2, "ISTRI/SUAMI": 2, "SUAMI/ISTRI": 2, "PASANGAN": 2,
    "ANAK": 3, "MENANTU": 4, "CUCU": 5, "ORANG TUA": 6, "ORANGTUA": 6, "MERTUA": 6, "ORANG TUA/MERTUA": 6,
    "PEMBANTU": 7, "PEMBANTU RUMAH TANGGA": 7, "LAINNYA": 8, "FAMILI LAIN": 8, "LAIN-LAIN": 8,
}
# The exact cells most files hold, for the hot loop; anything else goes through read_flag.
FLAG_VALUES = {"0": 0, "1": 1, "": 0, "Y": 1, "T": 0, "N": 0, "YA": 1, "TIDAK": 0, "Ya": 1, "Tidak": 0}
SEX_WORDS = {"1": "L", "L": "L", "LK": "L", "LAKI-LAKI": "L", "LAKI LAKI": "L", "PRIA": "L", "M": "L",
             "2": "P", "P": "P", "PR": "P", "PEREMPUAN": "P", "WANITA": "P", "F": "P", "W": "P"}


class Rejected(Exception):
    pass


class ImportBusy(Exception):
    pass


class OtherDistrict(Exception):
    """No row of the file lies in this kabupaten/kota: it is another district's extract."""


class ImportCancelled(Exception):
    """An administrator cancelled the import while it ran."""


@dataclass
class Inspection:
    """What the portal says about a file before importing it."""
    columns: dict[str, int]
    notices: list[str]


# Rows read before the import for what is said once about the whole file (a NIK column made a number).
NOTICE_SAMPLE = 1000
SCIENTIFIC = re.compile(r"^\d[.,]\d+E\+?\d+$", re.IGNORECASE)


@dataclass
class Progress:
    import_id: int
    total: int
    processed: int = 0
    accepted: int = 0
    rejected: int = 0
    households: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.processed / elapsed if elapsed > 0 else 0.0


def parse_date(text: str, today: date) -> date | None:
    """Dates as extracts write them: 1980-05-17, 17-05-1980, 17/05/1980, 17.05.1980, 19800517."""
    text = text.strip()[:10]
    if not text:
        return None
    try:
        if len(text) == 10 and text[4] in "-/.":
            born = date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
        elif len(text) == 10 and text[2] in "-/." and text[5] in "-/.":
            born = date(int(text[6:10]), int(text[3:5]), int(text[0:2]))
        elif len(text) == 8 and text.isdigit():
            born = date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
        else:
            parts = text.replace("/", "-").replace(".", "-").split("-")
            if len(parts) != 3 or len(parts[2]) != 4:
                raise ValueError
            born = date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        raise Rejected(_("Tanggal lahir %(value)s bukan tanggal yang mungkin.", value=text)) from None
    if born > today or born.year < 1890:
        raise Rejected(_("Tanggal lahir %(value)s bukan tanggal yang mungkin.", value=text))
    return born


def read_flag(text: str, field: str) -> int:
    """A yes/no cell of `field` as 1/0, or Rejected with the value and what the column may hold."""
    word = " ".join(text.upper().split())
    if word in TRUE_WORDS:
        return 1
    if word in FALSE_WORDS:
        return 0
    special = FIELD_WORDS.get(field, {}).get(word)
    if special is not None:
        return special
    if field == "disability" and not word.startswith(("TIDAK", "BUKAN", "NON")) \
            and any(kind in word for kind in DISABILITY_KINDS):
        return 1  # the kind of disability is written
    from slrt.core.labels import LABELS
    raise Rejected(_("Isi kolom %(field)s \"%(value)s\" tidak dapat dibaca: tulis Y/T, Ya/Tidak, atau 1/0.",
                     field=LABELS.label("RegistryField", field), value=text.strip()[:40]))


class RegionResolver:
    """The district's desa/kelurahan by code (dotted or not) and by kecamatan and desa name."""

    def __init__(self, district: str):
        self.district = district
        # Every kabupaten/kota's name by its code without dots ("3273"), for a row of another district.
        self.regencies = {code.replace(".", ""): name for code, name in db.session.execute(
            select(Region.code, Region.name).where(Region.level == RegionLevel.REGENCY))}
        rows = db.session.execute(select(Region.code, Region.name, Region.parent_code, Region.level).where(
            (Region.code == district) | ((Region.code > district + ".") & (Region.code < district + "/")))).all()
        kecamatan = {code: name.upper() for code, name, _p, level in rows if level == RegionLevel.DISTRICT}
        self.codes: set[str] = set()
        self.by_code: dict[str, str] = {}  # "32.04.05.2001" and "3204052001" -> "32.04.05.2001"
        self.by_names: dict[tuple[str, str], str] = {}
        self.by_desa: dict[str, str | None] = {}
        for code, name, parent, level in rows:
            if level != RegionLevel.VILLAGE:
                continue
            self.codes.add(code)
            self.by_code[code] = self.by_code[code.replace(".", "")] = code
            key = " ".join(name.upper().split())
            self.by_names[(" ".join(kecamatan.get(parent, "").split()), key)] = code
            self.by_desa[key] = None if key in self.by_desa else code  # ambiguous names need the kecamatan

    def resolve(self, code: str, kecamatan: str, desa: str) -> str:
        code = code.strip()
        if code:
            digits = code.replace(".", "")
            dotted = f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:10]}" if len(digits) == 10 else code
            if dotted in self.codes:
                return dotted
            other = self.regencies.get(digits[:4]) if digits[:4] != self.district.replace(".", "") else None
            if other:
                raise Rejected(_("Kode wilayah %(code)s berada di %(other)s, bukan di %(here)s: baris ini milik "
                                 "ekstrak kabupaten/kota lain dan tidak diimpor.", code=code, other=other,
                                 here=self.regencies.get(self.district.replace(".", ""), self.district)))
            raise Rejected(_("Kode wilayah %(code)s tidak dikenal di kabupaten/kota ini.", code=code))
        desa_key = " ".join(desa.upper().split())
        kec_key = " ".join(kecamatan.upper().split())
        for prefix in ("KECAMATAN ", "KEC. ", "KEC "):
            kec_key = kec_key.removeprefix(prefix)
        found = self.by_names.get((kec_key, desa_key)) if kec_key else self.by_desa.get(desa_key)
        if not found:
            raise Rejected(_("Desa/kelurahan %(desa)s (kecamatan %(kecamatan)s) tidak dikenal.",
                             desa=desa or "-", kecamatan=kecamatan or "-"))
        return found


class RowValidator:
    """Validates one row into a person tuple and a household tuple, or raises Rejected with the reason.

    The common case (a clean 16-digit NIK, an ISO date) takes a fast path with caches; anything unusual
    goes through the same checks the counter uses (`check_nik`, `check_kk`) for the exact message."""

    def __init__(self, columns: dict[str, int], district: str, today: date):
        self.regions = RegionResolver(district)
        self.today = today
        self.width = max(columns.values()) + 1
        # Missing fields read the blank cell appended at the end of every row.
        self.index = {name: columns.get(name, -1) for name in
                      ("nik", "kk_number", "name", "birth_place", "birth_date", "sex", "relation", "address",
                       "rt", "rw", "region_code", "kecamatan_name", "desa_name", "decile", "dukcapil_matched",
                       *FLAG_FIELDS)}
        self.flag_columns = tuple((self.index[f], f) for f in FLAG_FIELDS)
        self.regencies = set(self.regions.regencies)
        self.nik_dates: dict[str, tuple | None] = {}
        self.dates: dict[str, tuple | None] = {}

    def _nik_date(self, digits: str):
        found = self.nik_dates.get(digits, False)
        if found is False:
            from slrt.core.nik import birth_date_from
            born, sex = birth_date_from(digits, self.today)
            found = self.nik_dates[digits] = (born, sex) if born else None
        return found

    def _date(self, text: str):
        found = self.dates.get(text, False)
        if found is False:
            try:
                born = parse_date(text, self.today)
            except Rejected:
                found = None
            else:
                found = (born, born.isoformat()) if born else ("", None)
            self.dates[text] = found
        if found is None:
            parse_date(text, self.today)  # raises with the message
        return found

    def validate(self, line: int, cells: list[str], import_id: int):
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        cells.append("")
        i = self.index
        raw_nik = cells[i["nik"]].strip()
        nik_date = None
        if len(raw_nik) == 16 and raw_nik.isdigit() and raw_nik.isascii() and raw_nik[:4] in self.regencies \
                and raw_nik[12:] != "0000":
            nik_date = self._nik_date(raw_nik[6:12])
        if nik_date is None:
            check = check_nik(raw_nik, region_index, self.today)
            if not check.valid:
                raise Rejected(str(check.errors[0]))
            raw_nik, nik_date = check.nik, (check.birth_date, check.sex)
        nik = raw_nik
        kk = cells[i["kk_number"]].strip()
        if not (len(kk) == 16 and kk.isdigit() and kk.isascii() and kk[:4] in self.regencies):
            kk_check = check_kk(kk, region_index)
            if not kk_check.nik or not kk_check.valid:
                raise Rejected(str(kk_check.errors[0]) if kk_check.errors else _("No. KK wajib diisi."))
            kk = kk_check.nik
        name = " ".join(cells[i["name"]].split())
        if not name:
            raise Rejected(_("Nama kosong."))
        date_text = cells[i["birth_date"]].strip()
        if date_text:
            born, born_iso = self._date(date_text)
        else:
            born = nik_date[0]
            born_iso = born.isoformat() if born else None
        sex = SEX_WORDS.get(cells[i["sex"]].strip().upper(), nik_date[1] or "")
        relation_text = cells[i["relation"]].strip()
        if len(relation_text) == 1 and "1" <= relation_text <= "8":
            relation = int(relation_text)
        else:
            relation = RELATION_WORDS.get(" ".join(relation_text.upper().split()), 8)
        decile_text = cells[i["decile"]].strip()
        decile = None
        if decile_text:
            if not decile_text.isdigit() or not 1 <= int(decile_text) <= 10:
                raise Rejected(_("Desil %(value)s tidak sah (harus 1-10).", value=decile_text))
            decile = int(decile_text)
        code = cells[i["region_code"]].strip()
        region = self.regions.by_code.get(code) or self.regions.resolve(
            code, cells[i["kecamatan_name"]], cells[i["desa_name"]])
        name_key = name.upper()
        words = FLAG_VALUES
        flags = [words[cells[j]] if cells[j] in words else read_flag(cells[j], f)
                 for j, f in self.flag_columns]
        matched = cells[i["dukcapil_matched"]]
        person = (nik, import_id, line, kk, name[:120], name_key[:120], phonetic_key(name), cells[i["birth_place"]].strip()[:80],
                  born_iso, sex, relation, region, decile, flags[0],
                  read_flag(matched, "dukcapil_matched") if matched.strip() else 1, *flags[1:])
        household = (kk, import_id, cells[i["address"]].strip()[:255], cells[i["rt"]].strip()[:3],
                     cells[i["rw"]].strip()[:3], region, decile)
        return person, household


def _first(row):
    return row[0]


class Writer:
    """Chunked writes on the DBAPI connection: SQLite and MariaDB each their way."""

    def __init__(self):
        self.raw = db.engine.raw_connection()
        self.sqlite = db.engine.dialect.name == "sqlite"
        mark = "?" if self.sqlite else "%s"
        # A NIK twice in one file: the unique (nik, import_id) key keeps the first, the insert skips the
        # second, and write_chunk reports it. The same for a family card's household row.
        ignore = "INSERT OR IGNORE" if self.sqlite else "INSERT IGNORE"
        self.people_sql = (f"{ignore} INTO registry_people ({', '.join(PEOPLE_COLUMNS)}) "
                           f"VALUES ({', '.join([mark] * len(PEOPLE_COLUMNS))})")
        self.households_sql = (f"{ignore} INTO registry_households ({', '.join(HOUSEHOLD_COLUMNS)}) "
                               f"VALUES ({', '.join([mark] * len(HOUSEHOLD_COLUMNS))})")
        self.rejected_sql = f"INSERT INTO registry_rejected_rows (import_id, line, reason) VALUES ({mark}, {mark}, {mark})"
        self.mark = mark
        if self.sqlite:
            # Durable enough for rows nobody sees yet; the flip to DONE is written with FULL again.
            self.raw.cursor().execute("PRAGMA synchronous=NORMAL")
            # Each chunk dirties index pages all over the b-trees; with SQLite's 2 MB default they spill
            # to the WAL again and again within one transaction. Keep a chunk's dirty pages in memory.
            self.raw.cursor().execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KB}")

    def begin(self, cursor):
        if self.sqlite:
            cursor.execute("BEGIN IMMEDIATE")

    def execute(self, sql: str, params=()):
        cursor = self.raw.cursor()
        try:
            self.begin(cursor)
            cursor.execute(sql.replace("?", self.mark), params)
            self.raw.commit() if not self.sqlite else cursor.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise

    def rollback(self):
        try:
            if self.sqlite:
                self.raw.cursor().execute("ROLLBACK")
            else:
                self.raw.rollback()
        except Exception:  # noqa: BLE001 - nothing was open
            pass

    def write_chunk(self, people, households, rejected, progress: Progress) -> int:
        """Write one chunk in one short transaction; returns how many people were duplicates (rejected)."""
        cursor = self.raw.cursor()
        duplicates = 0
        try:
            self.begin(cursor)
            # An administrator may cancel a running import: it stops at its next chunk and purges its rows.
            cursor.execute(f"SELECT status FROM registry_imports WHERE id={self.mark}", (progress.import_id,))
            if cursor.fetchone()[0] != ImportStatus.RUNNING.value:
                raise ImportCancelled(_("Impor dibatalkan oleh administrator; data DTSEN yang lama tetap dipakai."))
            if people:
                # In NIK order the unique index is filled page by page instead of all over the b-tree.
                # The sort is stable, so of two rows with one NIK the earlier line is still written first.
                people = sorted(people, key=_first)
                cursor.executemany(self.people_sql, people)
                if cursor.rowcount < len(people):
                    found = self._duplicates(cursor, people, progress.import_id)
                    rejected = rejected + found
                    duplicates = len(found)
                    progress.accepted -= duplicates
                    progress.rejected += duplicates
            if households:
                cursor.executemany(self.households_sql, sorted(households, key=_first))
                progress.households += max(cursor.rowcount, 0)
            if rejected:
                cursor.executemany(self.rejected_sql, rejected)
            cursor.execute(
                "UPDATE registry_imports SET processed_rows=?, accepted_rows=?, rejected_rows=?, households=?, "
                "rows_per_second=?, heartbeat_at=? WHERE id=?".replace("?", self.mark),
                (progress.processed, progress.accepted, progress.rejected, progress.households,
                 round(progress.rate, 1), utcnow(), progress.import_id))
            self.raw.commit() if not self.sqlite else cursor.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
        return duplicates

    def _duplicates(self, cursor, people, import_id: int) -> list[tuple]:
        """The rows of this chunk the insert skipped: their NIK was already taken earlier in the file."""
        stored = {}
        niks = [p[0] for p in people]
        for start in range(0, len(niks), 500):
            part = niks[start:start + 500]
            cursor.execute(f"SELECT nik, line, name_key, birth_date FROM registry_people WHERE import_id={self.mark} "
                           f"AND nik IN ({', '.join([self.mark] * len(part))})", (import_id, *part))
            stored.update({nik: (line, name_key, str(born) if born else None)
                           for nik, line, name_key, born in cursor.fetchall()})
        found = []
        for person in people:
            line, name_key, born = stored[person[0]]
            if line == person[2]:
                continue
            if (name_key, born) == (person[5], person[8]):
                reason = _("Baris ganda: orang yang sama sudah ada di baris %(line)d.", line=line)
            else:
                reason = _("NIK yang sama dipakai orang lain di baris %(line)d.", line=line)
            found.append((import_id, person[2], str(reason)[:255]))
        return found

    def finish(self, import_id: int, target: ImportStatus, **values) -> None:
        """Move the import to `target` with a conditional UPDATE: it matches only while the import is in one
        of the statuses that IMPORT_TRANSITIONS allows `target` from (a stale-marked import stays failed)."""
        sources = sorted(IMPORT_TRANSITIONS.sources(target))
        assignments = ", ".join(f"{column}=?" for column in ["status", *values])
        self.execute(f"UPDATE registry_imports SET {assignments} WHERE id=? AND status IN "
                     f"({', '.join('?' * len(sources))})",
                     (target.value, *values.values(), import_id, *(s.value for s in sources)))

    def ids(self, sql: str, params, whole: bool = False) -> list:
        cursor = self.raw.cursor()
        cursor.execute(sql.replace("?", self.mark), params)
        found = [tuple(row) if whole else row[0] for row in cursor.fetchall()]
        if not self.sqlite:
            self.raw.commit()  # end the read snapshot
        return found

    def high_water(self) -> dict:
        return {table: self.ids(f"SELECT COALESCE(MAX(id), 0) FROM {table}", ())[0]
                for table in ("registry_people", "registry_households")}

    def delete_ids(self, table: str, ids: list[int]):
        for start in range(0, len(ids), 5000):
            part = ids[start:start + 5000]
            self.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(str(int(i)) for i in part)})")

    def close(self):
        if self.sqlite:
            try:
                self.raw.cursor().execute("PRAGMA synchronous=FULL")
                self.raw.cursor().execute("PRAGMA cache_size=-2000")
            except Exception:  # noqa: BLE001
                pass
        self.raw.close()


def is_dead(row: RegistryImport) -> bool:
    """A RUNNING import whose process is gone (its lock is free), or that gave no sign for STALE_AFTER."""
    if row.status != ImportStatus.RUNNING:
        return False
    if ownership.alive(row.owner) is False:
        return True
    return row.heartbeat_at < utcnow() - STALE_AFTER


def mark_dead_imports(district: str | None = None) -> list[int]:
    """The district's dead RUNNING imports become FAILED (audited); their invisible rows go with its next
    import's clean-up. Another district's dead import is left to that district's next import (or its
    administrator's "Batalkan"): it blocks nothing here, and its audit row is that district's."""
    from slrt.audit.operations import record
    from slrt.regions.districts import current_district
    district = district or current_district()
    dead = [row for row in db.session.scalars(select(RegistryImport).where(
        RegistryImport.status == ImportStatus.RUNNING, RegistryImport.district_code == district)) if is_dead(row)]
    for row in dead:
        done = db.session.execute(update(RegistryImport).where(
            RegistryImport.id == row.id,
            RegistryImport.status.in_(sorted(IMPORT_TRANSITIONS.sources(ImportStatus.FAILED)))).values(
            status=ImportStatus.FAILED, finished_at=utcnow(),
            error=_("Proses impor berhenti di tengah jalan; data DTSEN yang lama tetap dipakai.")))
        if done.rowcount:
            record("registry.import_dead", row, note="importer process gone")
            ownership.discard(row.owner)
    return [row.id for row in dead]


def import_district(user=None, district: str | None = None) -> str:
    """Whose extract an import is: the one named (the command's `--district`), else the importing user's
    district, else the configured one (a command run without a user)."""
    from slrt.regions.districts import district_of
    return district or district_of(user) or current_app.config["SLRT_REGION_CODE"]


def start_import(file_name: str, user=None, extract_date: date | None = None,
                 mapping: dict | None = None, district: str | None = None) -> RegistryImport:
    """Create the import row (RUNNING) for the district (see `import_district`). Refuses while another import
    of the same district is alive; the caller commits.

    One import at a time per district, not per database: an import touches only its district's registry
    (its comparison, compaction and clean-up are limited to it), so a neighbour's quarterly extract need not
    wait for this one's, nor be told of an import it may not open."""
    from slrt.audit.operations import record
    district = import_district(user, district)
    mark_dead_imports(district)
    busy = db.session.scalar(select(RegistryImport.id).where(RegistryImport.status == ImportStatus.RUNNING,
                                                             RegistryImport.district_code == district))
    if busy:
        raise ImportBusy(_("Impor lain (no. %(id)d) sedang berjalan. Tunggu sampai selesai.", id=busy))
    row = RegistryImport(file_name=Path(file_name).name[:255], user_id=getattr(user, "id", None),
                         extract_date=extract_date, status=ImportStatus.RUNNING,
                         mapping=json.dumps(mapping or {}), district_code=district)
    db.session.add(row)
    db.session.flush()
    row.owner = ownership.claim(row.id)  # held by this process until run_import ends
    record("registry.import_start", row, user=user, note=row.file_name)
    return row


def read_headers(path: str | Path) -> list[str]:
    extract = open_extract(path)
    headers = extract.headers
    if extract.close:
        extract.close()
    return headers


def inspect_extract(path: str | Path, mapping: dict | None = None, district: str | None = None) -> Inspection:
    """Check a file before anything of it is written. Raises MappingNeeded (columns to map or skip) or
    OtherDistrict (no row lies in this kabupaten/kota); returns the notices to say once.

    The district check reads until the first row of this district, which is the first row of a right file;
    a wrong file is read to its end (so a file that only starts with a neighbour's rows still imports)."""
    from collections import Counter

    from slrt.core.labels import LABELS
    from slrt.regions.operations import get as region
    district = district or current_app.config["SLRT_REGION_CODE"]
    here = district.replace(".", "")
    extract = open_extract(path, count=False)
    try:
        columns = match_headers(extract.headers, mapping)
        resolver = RegionResolver(district)
        width = max(columns.values()) + 1
        blank = width  # the cell appended to every row: a missing field reads ""
        code_i, kec_i, desa_i = (columns.get(f, blank) for f in ("region_code", "kecamatan_name", "desa_name"))
        nik_i = columns["nik"]
        numeric = {"nik": [], "kk_number": []}
        sampled, ours, others = 0, False, Counter()
        for _line, cells in extract.rows:
            cells = cells + [""] * (width + 1 - len(cells))
            if sampled < NOTICE_SAMPLE:
                sampled += 1
                for field in numeric:
                    value = cells[columns[field]].strip()
                    if SCIENTIFIC.match(value):
                        numeric[field].append(value)
            if not ours:
                code = cells[code_i].strip().replace(".", "")
                if code:
                    ours = code[:4] == here
                    if not ours:
                        others[code[:4]] += 1
                else:
                    try:
                        resolver.resolve("", cells[kec_i], cells[desa_i])
                        ours = True
                    except Rejected:
                        nik = cells[nik_i].strip()
                        if len(nik) == 16 and nik.isdigit() and nik[:4] != here:
                            others[nik[:4]] += 1
            elif sampled >= NOTICE_SAMPLE:
                break
    finally:
        if extract.close:
            extract.close()
    if not ours and others:
        code = others.most_common(1)[0][0]
        dotted = f"{code[:2]}.{code[2:4]}"
        found, home = region(dotted), region(district)
        raise OtherDistrict(_("Berkas ini berisi data %(other)s (kode %(code)s), bukan data %(here)s. Tidak ada "
                              "data yang diimpor; unggah ekstrak kabupaten/kota ini.",
                              other=found.name if found else _("kabupaten/kota lain"), code=dotted,
                              here=home.name if home else district))
    notices = []
    for field, values in numeric.items():
        if values:
            name = LABELS.label("RegistryField", field)
            notices.append(_("Kolom %(column)s tersimpan sebagai angka (misalnya %(example)s), sehingga digit "
                             "terakhirnya hilang: %(count)d dari %(sample)d baris pertama akan ditolak. Di Excel, "
                             "format kolom %(column)s sebagai Teks, isi ulang angkanya, lalu simpan ulang berkasnya.",
                             column=name, example=values[0], count=len(values), sample=sampled))
    return Inspection(columns, notices)


def validated_chunks(rows, validator: RowValidator, import_id: int, chunk_size: int):
    """Validate rows; yield (people, households, rejected, counts) every `chunk_size` rows and at the end."""
    people, households, rejected = [], [], []
    chunk_kk: set[str] = set()  # the database keeps the first version of a household across chunks
    processed = accepted = rejected_count = 0
    for line, cells in rows:
        processed += 1
        try:
            person, household = validator.validate(line, cells, import_id)
        except Rejected as why:
            rejected.append((import_id, line, str(why)[:255]))
            rejected_count += 1
        else:
            people.append(person)
            accepted += 1
            if household[0] not in chunk_kk:
                chunk_kk.add(household[0])
                households.append(household)
        if processed % chunk_size == 0:
            yield people, households, rejected, (processed, accepted, rejected_count)
            people, households, rejected, chunk_kk = [], [], [], set()
    if processed % chunk_size or not processed:
        yield people, households, rejected, (processed, accepted, rejected_count)


def _validate_in_child(queue, rows, validator, import_id, chunk_size, parent):
    """The validating half of a pipelined import (a forked process): never touches the database."""
    import queue as queues
    ownership.forget_in_child()  # the import's lock stays the parent's: it ends when the parent dies

    def put(item):
        while True:
            try:
                queue.put(item, timeout=1)
                return
            except queues.Full:
                if os.getppid() != parent:  # the importing process died: stop quietly
                    os._exit(1)
    try:
        for chunk in validated_chunks(rows, validator, import_id, chunk_size):
            put(chunk)
        put(None)
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which fails the import
        put(("error", f"{type(error).__name__}: {error}"))
    queue.close()
    queue.join_thread()  # flush the queue's feeder thread before leaving without clean-up
    os._exit(0)


def _pipelined_chunks(rows, validator, import_id, chunk_size):
    """The same chunks as validated_chunks, validated in a forked child while this process writes:
    two cores instead of one. The child gets the validator (regions already read) by fork."""
    import multiprocessing
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=2)
    child = context.Process(target=_validate_in_child, daemon=True,
                            args=(queue, rows, validator, import_id, chunk_size, os.getpid()))
    child.start()
    import queue as queues
    try:
        while True:
            try:
                item = queue.get(timeout=5)
            except queues.Empty:
                if not child.is_alive():
                    raise RuntimeError("the validating process stopped") from None
                continue
            if item is None:
                return
            if item[0] == "error":
                raise RuntimeError(item[1])
            yield item
    finally:
        if child.is_alive():
            child.terminate()
        child.join(5)
        queue.close()


def run_import(import_id: int, path: str | Path, *, mapping: dict | None = None, chunk_size: int = CHUNK_ROWS,
               on_chunk: Callable[[int], None] | None = None,
               progress_cb: Callable[[Progress], None] | None = None, pipelined: bool = False) -> Progress:
    """Validate and load the file into import `import_id`, then make it visible. Raises on failure,
    leaving the previous registry as it was (this import marked FAILED and its rows purged).

    `pipelined`: validate in a forked process while this one writes (the command line uses it; a web
    worker, which has threads, does not fork)."""
    writer = Writer()
    after = None
    try:
        if not ownership.holds(import_id):  # started by another process: this one owns it from now
            writer.execute("UPDATE registry_imports SET owner=? WHERE id=?", (ownership.claim(import_id), import_id))
        district = db.session.get(RegistryImport, import_id).district_code
        inspection = inspect_extract(path, mapping, district)  # before any write: columns, district, notices
        extract = open_extract(path)
        validator = RowValidator(inspection.columns, district, local_today())
        region_index.has_district("")  # loaded now, so the rare slow-path NIK check never reads the database
        db.session.rollback()  # end the ORM's read transaction: a long-held snapshot would pin the WAL
        progress = Progress(import_id, extract.total)
        writer.execute("UPDATE registry_imports SET total_rows=?, notice=? WHERE id=?",
                       (extract.total, " ".join(inspection.notices) or None, import_id))
        after = writer.high_water()
        chunks = (_pipelined_chunks if pipelined else validated_chunks)(extract.rows, validator, import_id,
                                                                        chunk_size)
        duplicates = 0
        for chunk_no, (people, households, rejected, counts) in enumerate(chunks, start=1):
            progress.processed, progress.accepted, progress.rejected = counts
            progress.accepted -= duplicates
            progress.rejected += duplicates
            duplicates += writer.write_chunk(people, households, rejected, progress)
            if progress_cb:
                progress_cb(progress)
            if on_chunk:
                on_chunk(chunk_no)
        del validator, chunks
        # The one short write that makes the whole extract visible at once.
        if writer.sqlite:
            writer.raw.cursor().execute("PRAGMA synchronous=FULL")
        writer.finish(import_id, ImportStatus.DONE, finished_at=utcnow(), rows_per_second=round(progress.rate, 1),
                      heartbeat_at=utcnow())
        if writer.ids("SELECT status FROM registry_imports WHERE id=?", (import_id,)) != [ImportStatus.DONE.value]:
            raise ImportCancelled(_("Impor dibatalkan oleh administrator; data DTSEN yang lama tetap dipakai."))
        if progress_cb:
            progress_cb(progress)
        if COMPARE_AT_IMPORT and compare_after_flip(writer, import_id):
            compact(writer, import_id, after, district)
        return progress
    except BaseException as error:
        writer.rollback()
        try:
            db.session.rollback()  # the checks read through the ORM: end that snapshot, so callers see FAILED
        except Exception:  # noqa: BLE001 - nothing was open
            pass
        try:
            writer.finish(import_id, ImportStatus.FAILED, finished_at=utcnow(), error=_describe(error)[:2000])
            purge(writer, import_id, after)
        except Exception:  # noqa: BLE001 - the next import purges what is left
            current_app.logger.exception("registry import %s: clean-up failed", import_id)
        raise
    finally:
        writer.close()
        ownership.release(import_id)


def compare_after_flip(writer: Writer, import_id: int) -> bool:
    """What this import changed since the previous one, while the older versions are still there (before
    `compact`). The import is already DONE: a failed comparison is logged, never a reason to undo the
    import; the older versions then stay until `flask registry changes` compares and compacts."""
    from slrt.registry.changes import compare
    try:
        result = compare(writer, import_id)
    except Exception:  # noqa: BLE001 - see above
        current_app.logger.exception("registry import %s: comparison with the previous import failed; "
                                     "run `flask registry changes %s`", import_id, import_id)
        return False
    current_app.logger.info("registry import %s compared with %s in %.1f s: %s", import_id, result.previous_id,
                            result.seconds, result.counts)
    return True


def low_water(writer: Writer, import_id: int) -> dict:
    """The `after` of an import that already ran (for compacting it later): just below its first rows."""
    return {table: (writer.ids(f"SELECT MIN(id) FROM {table} WHERE import_id=?", (import_id,))[0] or 1) - 1
            for table in ("registry_people", "registry_households")}


def _describe(error: BaseException) -> str:
    from slrt.registry.columns import MappingNeeded
    if isinstance(error, MappingNeeded):
        from slrt.core.labels import LABELS
        parts = []
        if error.unknown:
            parts.append(_("Kolom tidak dikenali: %(columns)s.", columns=", ".join(error.unknown)))
        if error.missing:
            parts.append(_("Kolom wajib tidak ditemukan: %(fields)s.", fields=", ".join(
                LABELS.label("RegistryField", f) for f in error.missing)))
        if error.twice:
            parts.append(_("Dua kolom dipetakan ke isian yang sama: %(fields)s.", fields=", ".join(
                LABELS.label("RegistryField", f) for f in error.twice)))
        return " ".join(parts)
    if isinstance(error, (OtherDistrict, ImportCancelled)):
        return str(error)
    if isinstance(error, KeyboardInterrupt):
        return _("Impor dihentikan.")
    # The exception itself goes to the server log only: database errors quote their parameters (NIKs).
    current_app.logger.error("registry import failed: %s", type(error).__name__)
    return _("Impor gagal karena kesalahan pada server; data DTSEN yang lama tetap dipakai. "
             "Hubungi administrator sistem.")


def purge(writer: Writer, import_id: int, after: dict | None = None) -> None:
    """Delete the (invisible) rows of a failed import, in chunks, walking the tables by id from `after`."""
    for table in ("registry_people", "registry_households"):
        last = (after or {}).get(table, 0)
        while True:
            batch = writer.ids(f"SELECT id, import_id FROM {table} WHERE id>? ORDER BY id LIMIT 20000", (last,),
                               whole=True)
            if not batch:
                break
            writer.delete_ids(table, [row_id for row_id, owner in batch if owner == import_id])
            last = batch[-1][0]


def district_of_import(writer: Writer, import_id: int) -> str:
    return writer.ids("SELECT district_code FROM registry_imports WHERE id=?", (import_id,))[0]


def compact(writer: Writer, import_id: int, after: dict, district: str | None = None) -> None:
    """After the flip: delete older versions of what this import brought, and rows of dead imports, both
    within the import's district only: another district's registry (even a person it also lists, who moved
    across the border) is that district's to replace.

    This import's rows all have ids above `after` (taken when it started), so the scan starts there; another
    district's import running meanwhile may put rows among them, which `import_id=?` leaves out."""
    district = district or district_of_import(writer, import_id)
    ours = "(SELECT id FROM registry_imports WHERE district_code = ?)"
    for table, key in (("registry_people", "nik"), ("registry_households", "kk_number")):
        last = after[table]
        while True:
            batch = writer.ids(f"SELECT id FROM {table} WHERE id>? AND import_id=? ORDER BY id LIMIT 20000",
                               (last, import_id))
            if not batch:
                break
            old = writer.ids(f"SELECT o.id FROM {table} n JOIN {table} o ON o.{key} = n.{key} "
                             f"AND o.import_id < n.import_id WHERE n.id>=? AND n.id<=? AND n.import_id=? "
                             f"AND o.import_id IN {ours}", (batch[0], batch[-1], import_id, district))
            writer.delete_ids(table, old)
            last = batch[-1]
    dead = writer.ids("SELECT id FROM registry_imports WHERE status=? AND id<>? AND district_code=?",
                      (ImportStatus.FAILED.value, import_id, district))
    for dead_id in dead:
        purge(writer, dead_id)


def compare_import(import_id: int):
    """For the command line: compare a DONE import whose comparison did not happen (it failed, or the import
    ran before this feature), then compact its older versions as the import would have."""
    from slrt.registry.changes import AlreadyCompared, compare
    row = db.session.get(RegistryImport, import_id)
    if row.compared_at is not None:
        raise AlreadyCompared(import_id)
    writer = Writer()
    try:
        result = compare(writer, import_id)
        started = time.monotonic()
        compact(writer, import_id, low_water(writer, import_id))
        result.compact_seconds = time.monotonic() - started
        return result
    finally:
        writer.close()
