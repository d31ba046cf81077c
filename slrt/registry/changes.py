"""What an import changed since the previous one: who joined, who left, whose desil moved, who gained or
lost a programme, who moved village.

Computed set-wise in SQL once the import is visible (and before its older versions are compacted away):
the new import's rows are joined on NIK with the registry as it stood before it, i.e. each person's
newest row of an earlier DONE import, minus the people already recorded as having left. The differences
are staged in temporary tables (reads only; on SQLite no write lock), then copied into `registry_changes`
in one short write, so the counter never waits on the comparison.

A person who left keeps their last registry row and gets a LEFT change with their last values; the
counter shows them as "keluar dari DTSEN pada <tanggal>" (see `flags_for`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.registry.models import (CHANGE_KINDS, PROGRAMMES, ChangeKind, ImportStatus, RegistryChange,
                                  RegistryImport)

# Flags at the counter: changes brought by the last RECENT_IMPORTS completed imports (a year, quarterly).
RECENT_IMPORTS = 4
LOSSES = tuple(f"lost_{p}" for p in PROGRAMMES)


@dataclass
class Comparison:
    import_id: int
    previous_id: int | None
    counts: dict[str, int]
    seconds: float
    compact_seconds: float = 0.0  # dropping the older versions afterwards (the command only)


def _district_literal(district: str) -> str:
    """A district code (NN.NN) as an SQL literal; anything else is refused, never quoted into SQL."""
    if not (len(district) == 5 and district[:2].isdigit() and district[2] == "." and district[3:].isdigit()):
        raise ValueError(f"not a district code: {district!r}")
    return f"'{district}'"


def _previous_filter(alias: str, import_id: int, district: str) -> str:
    """Rows `alias` of registry_people that made up the district's registry just before import `import_id`:
    only the district's own earlier imports count (another district's extract is not this one's past)."""
    done = (f"(SELECT id FROM registry_imports WHERE status = '{ImportStatus.DONE.value}' "
            f"AND district_code = {_district_literal(district)})")
    n = int(import_id)
    return (f"{alias}.import_id < {n} AND {alias}.import_id IN {done} "
            # the newest earlier version only (older ones are normally compacted away already)
            f"AND NOT EXISTS (SELECT 1 FROM registry_people x WHERE x.nik = {alias}.nik "
            f"AND x.import_id > {alias}.import_id AND x.import_id < {n} AND x.import_id IN {done}) "
            # not someone who had already left the extract
            f"AND NOT EXISTS (SELECT 1 FROM registry_changes c WHERE c.nik = {alias}.nik "
            f"AND c.kind = '{ChangeKind.LEFT.value}' AND c.import_id > {alias}.import_id AND c.import_id < {n} "
            f"AND c.import_id IN {done})")


def _statements(import_id: int, sqlite: bool, district: str) -> list[str]:
    n = int(import_id)
    differs = (lambda a, b: f"{a} IS NOT {b}") if sqlite else (lambda a, b: f"NOT ({a} <=> {b})")
    flags_before = ", ".join(f"o.{p} AS {p}_before, n.{p} AS {p}_after" for p in PROGRAMMES)
    any_flag = " OR ".join(f"n.{p} <> o.{p}" for p in PROGRAMMES)
    staged = "INSERT INTO staged_changes (kind, nik, name, kk_number, region_code, before_value, after_value) "
    statements = [
        "DROP TEMPORARY TABLE IF EXISTS change_pairs" if not sqlite else "DROP TABLE IF EXISTS temp.change_pairs",
        "DROP TEMPORARY TABLE IF EXISTS staged_changes" if not sqlite else "DROP TABLE IF EXISTS temp.staged_changes",
        "CREATE TEMPORARY TABLE staged_changes (kind VARCHAR(20), nik VARCHAR(16), name VARCHAR(120), "
        "kk_number VARCHAR(16), region_code VARCHAR(13), before_value VARCHAR(20), after_value VARCHAR(20))",
        # The people in both extracts whose values differ: one join, read once by every kind below.
        f"CREATE TEMPORARY TABLE change_pairs AS SELECT n.nik AS nik, n.name AS name, n.kk_number AS kk_number, "
        f"o.region_code AS region_before, n.region_code AS region_after, o.decile AS decile_before, "
        f"n.decile AS decile_after, {flags_before} "
        f"FROM registry_people n JOIN registry_people o ON o.nik = n.nik "
        f"WHERE n.import_id = {n} AND {_previous_filter('o', n, district)} "
        f"AND (n.region_code <> o.region_code OR {differs('n.decile', 'o.decile')} OR {any_flag})",
        f"{staged}SELECT '{ChangeKind.JOINED.value}', n.nik, n.name, n.kk_number, n.region_code, NULL, n.decile "
        f"FROM registry_people n WHERE n.import_id = {n} "
        f"AND NOT EXISTS (SELECT 1 FROM registry_people o WHERE o.nik = n.nik AND {_previous_filter('o', n, district)})",
        f"{staged}SELECT '{ChangeKind.LEFT.value}', o.nik, o.name, o.kk_number, o.region_code, o.decile, NULL "
        f"FROM registry_people o WHERE {_previous_filter('o', n, district)} "
        f"AND NOT EXISTS (SELECT 1 FROM registry_people n WHERE n.nik = o.nik AND n.import_id = {n})",
        f"{staged}SELECT '{ChangeKind.DECILE_UP.value}', nik, name, kk_number, region_after, decile_before, "
        f"decile_after FROM change_pairs WHERE decile_after > decile_before",
        f"{staged}SELECT '{ChangeKind.DECILE_DOWN.value}', nik, name, kk_number, region_after, decile_before, "
        f"decile_after FROM change_pairs WHERE decile_after < decile_before",
        f"{staged}SELECT '{ChangeKind.MOVED.value}', nik, name, kk_number, region_after, region_before, "
        f"region_after FROM change_pairs WHERE region_after <> region_before",
    ]
    for p in PROGRAMMES:
        statements.append(f"{staged}SELECT 'lost_{p}', nik, name, kk_number, region_after, '1', '0' "
                          f"FROM change_pairs WHERE {p}_before = 1 AND {p}_after = 0")
        statements.append(f"{staged}SELECT 'gained_{p}', nik, name, kk_number, region_after, '0', '1' "
                          f"FROM change_pairs WHERE {p}_before = 0 AND {p}_after = 1")
    return statements


def compare(writer, import_id: int) -> Comparison:
    """Compare DONE import `import_id` with the registry before it; replace its recorded changes.

    `writer` is the importer's DBAPI writer (slrt.registry.importer.Writer)."""
    started = time.monotonic()
    n = int(import_id)
    district = writer.ids("SELECT district_code FROM registry_imports WHERE id=?", (n,))[0]
    # The previous DONE import of the same district: another district's extract is not this one's past.
    previous = writer.ids("SELECT MAX(id) FROM registry_imports WHERE status=? AND id<? AND district_code=?",
                          (ImportStatus.DONE.value, n, district))[0]
    cursor = writer.raw.cursor()
    counts: dict[str, int] = {}
    try:
        if previous is not None:
            if writer.sqlite:
                cursor.execute("BEGIN")  # one read snapshot for every staging statement; temp writes only
            for statement in _statements(n, writer.sqlite, district):
                cursor.execute(statement)
            if writer.sqlite:
                cursor.execute("COMMIT")
            else:
                writer.raw.commit()
        # The one short write: the staged changes replace whatever an earlier comparison recorded.
        writer.begin(cursor)
        cursor.execute(f"DELETE FROM registry_changes WHERE import_id = {n}")
        if previous is not None:
            cursor.execute(f"INSERT INTO registry_changes (import_id, kind, nik, name, kk_number, region_code, "
                           f"before_value, after_value) SELECT {n}, kind, nik, name, kk_number, region_code, "
                           f"before_value, after_value FROM staged_changes")
        cursor.execute(f"UPDATE registry_imports SET compared_with_id={writer.mark}, compared_at={writer.mark} "
                       f"WHERE id={writer.mark}", (previous, utcnow(), n))
        writer.raw.commit() if not writer.sqlite else cursor.execute("COMMIT")
        if previous is not None:
            cursor.execute(f"SELECT kind, COUNT(*) FROM registry_changes WHERE import_id = {n} GROUP BY kind")
            counts = {kind: count for kind, count in cursor.fetchall()}
            if not writer.sqlite:
                writer.raw.commit()
    except BaseException:
        writer.rollback()
        raise
    finally:
        for table in ("change_pairs", "staged_changes"):
            try:
                cursor.execute(f"DROP TABLE IF EXISTS temp.{table}" if writer.sqlite
                               else f"DROP TEMPORARY TABLE IF EXISTS {table}")
            except Exception:  # noqa: BLE001 - the connection is closed with the import anyway
                pass
    return Comparison(n, previous, counts, time.monotonic() - started)


class AlreadyCompared(Exception):
    """The import was compared and its older versions compacted away: comparing again would be wrong."""


# ---- reading the changes ---------------------------------------------------------------------------

@dataclass
class Flag:
    """A change the counter shows for one person: left the extract, or lost a programme."""
    change: RegistryChange
    nik: str
    name: str
    kind: str
    programme: str | None
    since: date | None  # the extract date of the import that brought it

    @property
    def left(self) -> bool:
        return self.kind == ChangeKind.LEFT


def recent_imports(district: str | None = None) -> list[RegistryImport]:
    """The district's (by default the current one's) last RECENT_IMPORTS completed imports."""
    from slrt.regions.districts import current_district
    return list(db.session.scalars(select(RegistryImport).where(
        RegistryImport.status == ImportStatus.DONE, RegistryImport.district_code == (district or current_district()))
        .order_by(RegistryImport.id.desc()).limit(RECENT_IMPORTS)))


def flags_for(people, district: str | None = None) -> list[Flag]:
    """Flags for registry people (each in their newest version): left the extract since that version, or
    lost a programme with it, within the recent imports of `district` (the household's; by default the
    current district)."""
    people = list(people)
    recent = {row.id: row for row in recent_imports(district)}
    if not people or not recent:
        return []
    version = {p.nik: p.import_id for p in people}
    rows = db.session.scalars(select(RegistryChange).where(
        RegistryChange.nik.in_(list(version)), RegistryChange.import_id.in_(list(recent)),
        RegistryChange.kind.in_([ChangeKind.LEFT.value, *LOSSES])).order_by(RegistryChange.import_id.desc()))
    flags = []
    for change in rows:
        current = version[change.nik]
        # LEFT counts when it came after their last row (not if they came back); a loss when it came with it.
        if (change.kind == ChangeKind.LEFT and change.import_id > current) or \
                (change.kind != ChangeKind.LEFT and change.import_id == current):
            source = recent[change.import_id]
            flags.append(Flag(change, change.nik, change.name, change.kind,
                              None if change.kind == ChangeKind.LEFT else change.kind.removeprefix("lost_"),
                              source.extract_date or (source.finished_at.date() if source.finished_at else None)))
    order = {p.nik: i for i, p in enumerate(people)}
    flags.sort(key=lambda f: (order[f.nik], f.kind))  # as the household lists its members, head first
    return flags


def valid_kind(kind: str | None) -> str | None:
    return kind if kind in CHANGE_KINDS else None


def summary(import_id: int, within: str) -> dict[str, int]:
    """Counts per kind of one import's changes, in the user's region."""
    from slrt.regions.models import region_prefix_match
    rows = db.session.execute(select(RegistryChange.kind, func.count()).where(
        RegistryChange.import_id == import_id, region_prefix_match(RegistryChange.region_code, within))
        .group_by(RegistryChange.kind)).all()
    return dict(rows)


# ---- the change report page --------------------------------------------------------------------------

@dataclass
class ChangeFilter:
    kind: str | None = None
    kecamatan: str | None = None  # NN.NN.NN
    desa: str | None = None       # NN.NN.NN.NNNN

    def args(self) -> dict:
        return {k: v for k, v in (("jenis", self.kind), ("kecamatan", self.kecamatan), ("desa", self.desa)) if v}


def changes_query(import_id: int, within: str, chosen: ChangeFilter):
    """The changes of one import in the user's region, narrowed by the filter (not ordered)."""
    from slrt.regions.models import region_prefix_match
    query = select(RegistryChange).where(RegistryChange.import_id == import_id,
                                         region_prefix_match(RegistryChange.region_code, within))
    if chosen.kind:
        query = query.where(RegistryChange.kind == chosen.kind)
    if chosen.desa:
        query = query.where(RegistryChange.region_code == chosen.desa)
    elif chosen.kecamatan:
        query = query.where(region_prefix_match(RegistryChange.region_code, chosen.kecamatan))
    return query


ORDER = (RegistryChange.region_code, RegistryChange.kind, RegistryChange.name, RegistryChange.id)


def per_region(import_id: int, within: str, chosen: ChangeFilter) -> list[tuple[str, dict[str, int]]]:
    """Counts per kind for each kecamatan, or for each desa once a kecamatan (or desa) is chosen."""
    width = 13 if (chosen.kecamatan or chosen.desa) else 8
    area = func.substr(RegistryChange.region_code, 1, width)
    query = changes_query(import_id, within, chosen).with_only_columns(
        area, RegistryChange.kind, func.count()).group_by(area, RegistryChange.kind).order_by(area)
    table: dict[str, dict[str, int]] = {}
    for code, kind, count in db.session.execute(query):
        table.setdefault(code, {})[kind] = count
    return list(table.items())
