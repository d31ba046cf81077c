"""Which column of an extract is which field: the names and aliases real DTKS/DTSEN exports use."""
from __future__ import annotations

import difflib
import re

# field -> header names seen in extracts (compared after normalize_header).
ALIASES: dict[str, tuple[str, ...]] = {
    "nik": ("NIK", "NO_NIK", "NOMOR_NIK", "NIK_ART"),
    "kk_number": ("NOKK", "NO_KK", "NOMOR_KK", "NKK", "NO_KARTU_KELUARGA"),
    "name": ("NAMA", "NAMA_LENGKAP", "NAMA_ART", "NAMA_ANGGOTA"),
    "birth_place": ("TMPT_LAHIR", "TEMPAT_LAHIR", "TMP_LAHIR"),
    "birth_date": ("TGL_LAHIR", "TANGGAL_LAHIR", "TGLLAHIR"),
    "sex": ("JNS_KEL", "JENIS_KELAMIN", "JK", "KELAMIN"),
    "relation": ("HUB_KRT", "HUBUNGAN", "HUB_KELUARGA", "HUBUNGAN_KELUARGA", "SHDK"),
    "address": ("ALAMAT", "ALAMAT_LENGKAP"),
    "rt": ("RT", "NO_RT"),
    "rw": ("RW", "NO_RW"),
    "region_code": ("KODE_WILAYAH", "KODE_DESA", "KDDESA", "KODE_KELURAHAN", "KODE_WIL"),
    "kecamatan_name": ("KECAMATAN", "NAMA_KECAMATAN", "NM_KEC"),
    "desa_name": ("DESA", "KELURAHAN", "DESA_KELURAHAN", "NAMA_DESA", "NM_DESA"),
    "decile": ("DESIL", "DESIL_NASIONAL", "PERINGKAT_DESIL"),
    "disability": ("DISABILITAS", "PENYANDANG_DISABILITAS", "JENIS_CACAT"),
    "dukcapil_matched": ("PADAN_DUKCAPIL", "STATUS_DUKCAPIL", "PADAN"),
    "pkh": ("PKH", "KPM_PKH"),
    "bpnt": ("BPNT", "SEMBAKO", "KPM_BPNT"),
    "pbi": ("PBI", "PBI_JKN", "KIS", "PBI_JK"),
    "pip": ("PIP", "KIP"),
    "bst": ("BST", "BLT"),
    "atensi": ("ATENSI",),
}
FIELDS = tuple(ALIASES)
REQUIRED = ("nik", "kk_number", "name")
# What a person importing writes to leave a column out (the mapping page's "abaikan", the CLI's --skip).
SKIP = "-"
# Columns that carry no data of a person: a row counter.
NOT_DATA = {"NO", "NO_URUT", "NOURUT", "NOMOR_URUT"}
_BY_ALIAS = {alias: field for field, aliases in ALIASES.items() for alias in aliases}


def normalize_header(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", (text or "").replace("\ufeff", "").strip().upper()).strip("_")


class MappingNeeded(Exception):
    """Columns the importer does not recognise, or required fields without a column: the person importing
    must say which field each unknown column is (or leave it out) before anything is imported."""

    def __init__(self, headers: list[str], unknown: list[str], missing: list[str], twice: list[str] = ()):
        super().__init__(f"missing fields {missing}; unknown columns {unknown}; mapped twice {list(twice)}")
        self.headers, self.unknown, self.missing, self.twice = headers, unknown, missing, list(twice)
        self.suggestions = {header: suggest_fields(header) for header in unknown}


def match_headers(headers: list[str], mapping: dict[str, str] | None = None) -> dict[str, int]:
    """field -> column index. `mapping` (column header -> field, or SKIP) overrides and completes the aliases.

    Every column must be accounted for: recognised by its name, mapped, or skipped. A renamed column
    dropped without a word would empty that field for everyone the re-import replaces."""
    mapping = {normalize_header(k): v for k, v in (mapping or {}).items()}
    found: dict[str, int] = {}
    unknown, twice = [], []
    for index, header in enumerate(headers):  # what the person said first: it wins over a name
        field = mapping.get(normalize_header(header))
        if field in ALIASES:
            if field in found:
                twice.append(field)
            found[field] = index
    for index, header in enumerate(headers):
        key = normalize_header(header)
        if not key or key in mapping or key in NOT_DATA:
            continue
        field = _BY_ALIAS.get(key)
        if field is None:
            unknown.append(header)
        elif field not in found:
            found[field] = index
    missing = [f for f in REQUIRED if f not in found]
    if "region_code" not in found and "desa_name" not in found:
        missing.append("region_code")
    if missing or unknown or twice:
        raise MappingNeeded(headers, unknown, missing, twice)
    return found


def recognised(header: str) -> str | None:
    """The field a header names by itself (its alias), if any."""
    return _BY_ALIAS.get(normalize_header(header))


def _words(text: str) -> list[str]:
    return [w for w in normalize_header(text).split("_") if w]


def _similar(a: str, b: str) -> float:
    """How alike two header names are: the whole names, and word by word (HUB is HUBUNGAN shortened)."""
    whole = difflib.SequenceMatcher(None, a, b).ratio()
    words_a, words_b = _words(a), _words(b)
    if not words_a or not words_b:
        return whole
    shared = 0
    for word in words_b:
        if any(w == word or (min(len(w), len(word)) >= 3 and (w.startswith(word) or word.startswith(w)))
               or difflib.SequenceMatcher(None, w, word).ratio() >= 0.85 for w in words_a):
            shared += 1
    return max(whole, shared / len(words_b) * 0.9 if shared else 0.0)


def suggest_fields(header: str, limit: int = 3) -> list[str]:
    """The fields an unknown column might be, best first, by its likeness to their names and labels."""
    from slrt.core.labels import LABELS
    key = normalize_header(header)
    if not key:
        return []
    scores = []
    for field, aliases in ALIASES.items():
        names = list(aliases) + [normalize_header(LABELS.label("RegistryField", field))]
        scores.append((max(_similar(key, name) for name in names), field))
    scores.sort(key=lambda item: -item[0])
    return [field for score, field in scores[:limit] if score >= 0.6]


def field_from_words(text: str) -> str | None:
    """A field from what a person typed: its Indonesian label, a known column name, or its id; SKIP."""
    from slrt.core.labels import LABELS
    key = normalize_header(text)
    if key in ("", "ABAIKAN", "LEWATI", "SKIP") or text.strip() == SKIP:
        return SKIP
    if text.strip() in ALIASES:
        return text.strip()
    for field in ALIASES:
        if key == normalize_header(LABELS.label("RegistryField", field)):
            return field
    return _BY_ALIAS.get(key)


def column_rows(headers: list[str], mapping: dict[str, str], need: MappingNeeded | None) -> list[dict]:
    """For the mapping page: each column of the file, what it was recognised as, what was chosen, hints."""
    chosen = {normalize_header(k): v for k, v in mapping.items()}
    unknown = set(need.unknown) if need else set()
    twice = set(need.twice) if need else set()
    rows = []
    for index, header in enumerate(headers):
        key = normalize_header(header)
        if not key:
            continue
        choice = chosen.get(key, "")
        rows.append({"index": index, "header": header, "auto": None if key in NOT_DATA else recognised(header),
                     "choice": choice, "unknown": header in unknown, "twice": choice in twice,
                     "suggestions": need.suggestions.get(header, []) if need else []})
    return rows
