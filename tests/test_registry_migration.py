"""Migration 0029 on a database that already holds DTSEN imports: each import is given the district of the user
who ran it, and an import by a provincial account or by nobody (the user was removed) the database's first
district. On a private SQLite file by default; on a scratch MariaDB database next to the test database (created
and dropped here) when the suite runs against MariaDB."""
from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from slrt.extensions import db

NOW = "2026-01-02 03:04:05"


@contextmanager
def _scratch_database(tmp_path):
    """The URL of an empty database of the kind the suite runs on."""
    if os.environ.get("SLRT_TEST_DATABASE") != "external":
        yield f"sqlite:///{tmp_path / 'before_0029.db'}"
        return
    url = make_url(os.environ["SLRT_TEST_DATABASE_URL"])
    scratch = url.set(database=f"{url.database}_m0029")
    server = create_engine(url.set(database=None))
    try:
        with server.begin() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{scratch.database}`"))
            conn.execute(text(f"CREATE DATABASE `{scratch.database}` CHARACTER SET utf8mb4 "
                              "COLLATE utf8mb4_unicode_ci"))
    except Exception as error:  # noqa: BLE001 - an account that may not create databases
        server.dispose()
        pytest.skip(f"no scratch database on this server: {error}")
    try:
        yield scratch.render_as_string(hide_password=False)
    finally:
        with server.begin() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{scratch.database}`"))
        server.dispose()


def _regions(*, with_kabupaten_bandung: bool) -> None:
    """West Java, Kota Bandung down to one village, and Kab. Bandung's own row if asked."""
    rows = [("32", "JAWA BARAT", 1, None), ("32.73", "KOTA BANDUNG", 2, "32"), ("32.73.01", "SUKASARI", 3, "32.73"),
            ("32.73.01.1001", "SARIJADI", 4, "32.73.01")]
    if with_kabupaten_bandung:
        rows.append(("32.04", "KAB. BANDUNG", 2, "32"))
    db.session.execute(text(
        "INSERT INTO regions (code, name, level, parent_code, active, dataset_version, updated_at) "
        "VALUES (:code, :name, :level, :parent, 1, '', :now)"),
        [{"code": code, "name": name, "level": level, "parent": parent, "now": NOW}
         for code, name, level, parent in rows])


def _user(user_id: int, username: str, role: str, region_code: str) -> None:
    db.session.execute(text(
        "INSERT INTO users (id, username, full_name, nip, password_hash, role, region_code, active, "
        "session_version, must_change_password, created_at) VALUES (:id, :username, :username, '', 'x', :role, "
        ":region, 1, 1, 0, :now)"), {"id": user_id, "username": username, "role": role, "region": region_code,
                                     "now": NOW})


def _import(import_id: int, user_id: int | None) -> None:
    db.session.execute(text(
        "INSERT INTO registry_imports (id, file_name, status, user_id, started_at, heartbeat_at, finished_at, "
        "total_rows, processed_rows, accepted_rows, rejected_rows, households, rows_per_second, mapping, error, "
        "owner) VALUES (:id, :name, 'done', :user_id, :now, :now, :now, 10, 10, 10, 0, 3, 100.0, '{}', '', '')"),
        {"id": import_id, "name": f"dtsen-{import_id}.csv", "user_id": user_id, "now": NOW})


def test_migration_0029_gives_existing_imports_their_district(make_app, tmp_path):
    """Imports by a village operator of Kota Bandung (32.73) and the administrator of Kab. Bandung (32.04) become
    their districts' imports; the provincial officer's import and the one whose user is gone go to the first
    district of the database (here 32.73, hosted before 32.04), not to the configured one."""
    from flask_migrate import upgrade
    with _scratch_database(tmp_path) as url:
        old = make_app(SQLALCHEMY_DATABASE_URI=url, SLRT_REGION_CODE="32.04")
        with old.app_context():
            try:
                upgrade(revision="0027")
                _regions(with_kabupaten_bandung=True)
                # 0026 made the configured district (32.04) the database's; 32.73 was hosted before it.
                db.session.execute(text("INSERT INTO districts (code, name, active, created_at) VALUES "
                                        "('32.73', 'Kota Bandung', 1, '2020-01-01 00:00:00')"))
                _user(1, "operator_sarijadi", "puskesos_operator", "32.73.01.1001")
                _user(2, "admin_kab", "admin", "32.04")
                _user(3, "provinsi", "provincial_officer", "32")
                _import(11, 1)
                _import(12, 2)
                _import(13, 3)
                _import(14, None)
                db.session.commit()
                upgrade()
                rows = db.session.execute(text("SELECT id, district_code FROM registry_imports ORDER BY id")).all()
                assert [tuple(row) for row in rows] == [(11, "32.73"), (12, "32.04"), (13, "32.73"), (14, "32.73")]
                # The column is required from now on and indexed (the counter reads one district's imports).
                from sqlalchemy import inspect
                columns = {c["name"]: c for c in inspect(db.engine).get_columns("registry_imports")}
                assert columns["district_code"]["nullable"] is False
                assert any(ix["column_names"] == ["district_code"]
                           for ix in inspect(db.engine).get_indexes("registry_imports"))
            finally:
                db.session.remove()
                db.engine.dispose()


def test_migration_0033_keeps_every_surveys_members(make_app, tmp_path):
    """0033 changes the surveys' unique key, which SQLite does by rebuilding the table: the members of each
    survey (ON DELETE CASCADE) and the proposals pointing at it stay, and the survey is its region's district's."""
    from flask_migrate import upgrade
    with _scratch_database(tmp_path) as url:
        old = make_app(SQLALCHEMY_DATABASE_URI=url, SLRT_REGION_CODE="32.04")
        with old.app_context():
            try:
                upgrade(revision="0032")
                _regions(with_kabupaten_bandung=False)
                _user(1, "fasilitator", "facilitator", "32.73.01")
                db.session.execute(text(
                    "INSERT INTO registry_household_surveys (id, kk_number, region_code, ownership, floor_area, floor, "
                    "wall, roof, water, lighting, cooking_fuel, toilet, sewage, assets, land_area, other_house, "
                    "updated_by_id, updated_at) VALUES (5, '3273010101010001', '32.73.01.1001', '1', 36, '8', '4', "
                    "'3', '6', '2', '10', '6', '', '', 0, 0, 1, :now)"), {"now": NOW})
                db.session.execute(text(
                    "INSERT INTO registry_survey_members (survey_id, position, nik, name, birth_place, birth_date, "
                    "sex, relation, schooling, diploma, working, industry, job_status, disability, chronic_illness) "
                    "VALUES (5, 1, '', 'Ujang', 'Garut', '1975-02-03', '1', '1', '2', '1', 1, '1', '6', '0', '0'), "
                    "(5, 2, '', 'Imas', 'Garut', '1980-06-01', '2', '2', '2', '2', 0, '', '', '0', '0')"))
                db.session.commit()
                upgrade()
                assert db.session.execute(text("SELECT survey_id, name FROM registry_survey_members ORDER BY position")
                                          ).all() == [(5, "Ujang"), (5, "Imas")]
                assert db.session.execute(text("SELECT district_code FROM registry_household_surveys")).scalar() \
                    == "32.73"
            finally:
                db.session.remove()
                db.engine.dispose()
