"""Record loaders (issue 9): one public loader per record in its feature's queries.py, with the permission
check, and a lock on the one row it means to lock. Loading a case FOR UPDATE with its person and region
joined also locked those rows, which other transactions hold shared locks on through their foreign keys:
the MariaDB deadlock that `lock_row` avoids. The statements are checked as MariaDB compiles them, on
SQLite too, and as MariaDB actually ran them when the suite runs on MariaDB."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden, NotFound

from slrt.cases.queries import load_case
from slrt.extensions import db
from slrt.referrals import queries as referral_queries
from slrt.referrals.models import ReferralStatus
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture
from tests.referrals_helpers import referral_in
from tests.test_districts import second  # noqa: F401 - the fixture: district B with its admin

pytestmark = pytest.mark.usefixtures("fast_passwords")


@contextmanager
def locking_statements():
    """Every SELECT ... FOR UPDATE the ORM runs meanwhile, compiled for MariaDB (and, on MariaDB, as sent)."""
    compiled, sent = [], []

    def on_orm(state):
        statement = state.statement
        if state.is_select and getattr(statement, "_for_update_arg", None) is not None:
            compiled.append(str(statement.compile(dialect=mysql.dialect())))

    def on_cursor(conn, cursor, statement, parameters, context, executemany):
        if "FOR UPDATE" in statement.upper():
            sent.append(statement)

    event.listen(Session, "do_orm_execute", on_orm)
    event.listen(db.engine, "before_cursor_execute", on_cursor)
    try:
        yield compiled, sent
    finally:
        event.remove(Session, "do_orm_execute", on_orm)
        event.remove(db.engine, "before_cursor_execute", on_cursor)


def tables_of(sql: str) -> list[str]:
    return re.findall(r"(?:FROM|JOIN)\s+`?(\w+)`?", sql, flags=re.IGNORECASE)


def assert_locks_only(statements: list[str], expected: list[str]) -> None:
    assert [tables_of(s) for s in statements] == [[table] for table in expected], statements
    for sql in statements:
        assert "JOIN" not in sql.upper() and "FOR UPDATE" in sql.upper(), sql


def _as(client, user):
    from tests.conftest import log_in
    client.post("/keluar")
    assert log_in(client, user.username).status_code == 303


def test_taking_a_case_locks_the_case_row_only(app, client, make_case, make_user):
    case = make_case()
    _as(client, make_user("back_office"))
    with locking_statements() as (compiled, sent):
        assert client.post(f"/kasus/{case.id}/ambil").status_code == 303
    assert compiled, "taking a case must lock it"
    assert set(tables_of(" ".join(compiled))) == {"cases"}
    assert_locks_only(compiled[:1], ["cases"])
    if db.engine.dialect.name in ("mysql", "mariadb"):
        assert sent and all(tables_of(s) == ["cases"] and "JOIN" not in s.upper() for s in sent), sent


def test_submitting_a_referral_locks_its_row_and_its_case_row_only(app, client, make_case, make_user):
    officer, signer = make_user("back_office"), make_user("supervisor")
    referral = referral_in(ReferralStatus.DRAFT, make_case(), officer, signer)
    _as(client, officer)
    with locking_statements() as (compiled, sent):
        assert client.post(f"/rujukan/{referral.id}/ajukan").status_code == 303
    assert compiled and tables_of(compiled[0]) == ["referrals"]
    assert set(tables_of(" ".join(compiled))) == {"referrals", "cases"}
    for sql in compiled + sent:
        assert "JOIN" not in sql.upper(), sql


def test_the_case_loader_checks_the_region_and_exists(app, make_case, make_user, places):
    from flask_login import login_user
    case = make_case()
    with app.test_request_context():
        login_user(make_user("back_office"))
        with locking_statements() as (compiled, _sent):
            assert load_case(case.id, lock=True).person.name == case.person.name  # relations load afterwards
        assert_locks_only(compiled, ["cases"])
        with pytest.raises(NotFound):
            load_case(case.id + 1000)
    with app.test_request_context():
        login_user(make_user("back_office", region_code=places.other_district_desa[:5]))
        with pytest.raises(Forbidden):
            load_case(case.id)


def test_the_referral_loader_locks_the_referral_row_only(app, make_case, make_user):
    from flask_login import login_user
    officer, signer = make_user("back_office"), make_user("supervisor")
    referral = referral_in(ReferralStatus.APPROVED, make_case(), officer, signer)
    with app.test_request_context():
        login_user(officer)
        with locking_statements() as (compiled, _sent):
            loaded = referral_queries.load_referral(referral.id, lock=True)
        assert loaded.agency.name  # joined, but not locked
        assert_locks_only(compiled, ["referrals"])


def test_the_import_loader_finds_only_the_districts_imports_and_locks_the_import_row_only(app, make_user, places,
                                                                                          second, tmp_path):
    """The import pages and the cancel action share one loader: another district's import is not found, with or
    without the lock; the lock takes the import's row alone (not its user's, which the import joins)."""
    from flask_login import login_user

    from slrt.registry.queries import load_import
    from tests.registry_helpers import family, import_file, write_csv
    from tests.test_districts import _user
    from tests.test_registry_import import other_district_family
    ours, _ = import_file(write_csv(tmp_path / "a.csv", family(places)[0]), user=make_user("admin"))
    theirs, _ = import_file(write_csv(tmp_path / "b.csv", other_district_family(places)), user=_user("adminb"))
    with app.test_request_context():
        login_user(make_user("admin", username="admin_a"))
        with locking_statements() as (compiled, sent):
            assert load_import(ours, lock=True).id == ours
        assert_locks_only(compiled, ["registry_imports"])
        if db.engine.dialect.name in ("mysql", "mariadb"):
            assert sent and all(tables_of(s) == ["registry_imports"] for s in sent), sent
        assert load_import(ours).user.username  # its user loads afterwards, unlocked
        for lock in (False, True):
            with pytest.raises(NotFound):
                load_import(theirs, lock=lock)
            with pytest.raises(NotFound):
                load_import(theirs + 1000, lock=lock)
    with app.test_request_context():
        login_user(_user("adminb"))
        assert load_import(theirs).district_code == places.other_district


def test_cancelling_an_import_locks_the_import_row_only(app, client, make_user, places, tmp_path):
    """Two administrators cancelling the same running import queue on its row; nothing else is locked."""
    from slrt.registry.importer import start_import
    from slrt.registry.models import ImportStatus, RegistryImport
    admin = make_user("admin")
    row = start_import(str(tmp_path / "a.csv"), admin, None, None)
    db.session.commit()
    _as(client, admin)
    with locking_statements() as (compiled, sent):
        assert client.post(f"/registri/impor/{row.id}/batalkan", data={}).status_code == 303
    assert_locks_only(compiled, ["registry_imports"])
    if db.engine.dialect.name in ("mysql", "mariadb"):
        assert sent and all(tables_of(s) == ["registry_imports"] for s in sent), sent
    db.session.expire_all()
    assert db.session.get(RegistryImport, row.id).status == ImportStatus.FAILED
    from slrt.registry import ownership
    ownership.release(row.id)  # the importer this test stood for ends
