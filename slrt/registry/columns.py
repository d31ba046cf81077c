"""Which column of an extract is which field: the names and aliases real DTKS/DTSEN exports use."""
from __future__ import annotations

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
_BY_ALIAS = {alias: field for field, aliases in ALIASES.items() for alias in aliases}


def normalize_header(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", (text or "").replace("\ufeff", "").strip().upper()).strip("_")


class MappingNeeded(Exception):
    """Some required fields have no column: the person importing must say which column is which."""

    def __init__(self, headers: list[str], unknown: list[str], missing: list[str]):
        super().__init__(f"missing fields {missing}; unknown columns {unknown}")
        self.headers, self.unknown, self.missing = headers, unknown, missing


def match_headers(headers: list[str], mapping: dict[str, str] | None = None) -> dict[str, int]:
    """field -> column index. `mapping` (column header -> field) overrides and completes the aliases."""
    mapping = {normalize_header(k): v for k, v in (mapping or {}).items()}
    found: dict[str, int] = {}
    unknown = []
    for index, header in enumerate(headers):
        key = normalize_header(header)
        field = mapping.get(key) or _BY_ALIAS.get(key)
        if field in ALIASES and field not in found:
            found[field] = index
        elif field is None and key:
            unknown.append(header)
    missing = [f for f in REQUIRED if f not in found]
    if "region_code" not in found and "desa_name" not in found:
        missing.append("region_code")
    if missing:
        raise MappingNeeded(headers, unknown, missing)
    return found
