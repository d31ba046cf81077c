"""The SQLite file deleted or replaced under a running portal (a mistaken cleanup, a restore done by hand).

Before: pooled connections kept writing into the deleted file (acknowledged tickets vanished at the next
restart), new connections created an empty database and answered 500, and /healthz said all was well.
Now the portal notices that the file at its path is not the one it opened, refuses writes with a 503 page
in Indonesian, never re-creates a missing file, and /healthz reports it."""
from __future__ import annotations

import os
import sqlite3

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from slrt import create_app
from slrt.cases.models import Case
from slrt.config import TestConfig as PortalConfig
from slrt.extensions import db
from slrt.intake.models import Person
from tests.conftest import PASSWORD, _external
from tests.intake_helpers import intake_data
from tests.test_once import form_id

pytestmark = pytest.mark.skipif(_external(), reason="a SQLite file replaced on disk; MariaDB has no such file")


def _copy(source: str | os.PathLike, target: str | os.PathLike) -> None:
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    copy.close()
    origin.close()


def _cases_in(path, name: str | None = None) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if name is None:
            return connection.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
        return connection.execute("SELECT COUNT(*) FROM cases JOIN people ON people.id = cases.person_id "
                                  "WHERE people.name = ?", (name,)).fetchone()[0]
    finally:
        connection.close()


def _cases_held(served, name: str) -> int:
    """Cases of `name` in the file the portal's pooled connections still hold (read as a request would)."""
    with served.test_request_context():
        return db.session.scalar(select(func.count()).select_from(Case).join(Case.person)
                                 .where(Person.name == name))


@pytest.fixture
def portal(app, make_user, database_url, tmp_path):
    """A portal on its own SQLite file (a copy of the test database with a counter clerk), signed in."""
    clerk = make_user("front_office", username="loketberkas")
    path = tmp_path / "slrt.db"
    _copy(make_url(database_url).database, path)
    _copy(path, tmp_path / "yesterday.db")  # what a hand-made restore would put back
    served = create_app(PortalConfig(f"sqlite:///{path}"))
    client = served.test_client()
    assert client.post("/masuk", data={"username": clerk.username, "password": PASSWORD}).status_code == 303
    yield served, client, path
    with served.app_context():
        db.session.remove()
        db.engine.dispose()


def _register(client, places, **overrides):
    # This portal's own client is a plain one: the form id its page would carry is sent here.
    return client.post("/pendaftaran/baru", data=dict(intake_data(places, **overrides), form_id=form_id()))


def test_the_portal_writes_and_reports_healthy_while_its_file_is_in_place(portal, places):
    served, client, path = portal
    assert _register(client, places).status_code == 303
    assert _cases_in(path) == 1
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["database_file"] == "ok"


def test_a_file_replaced_under_the_portal_refuses_writes_and_healthz_says_so(portal, places, tmp_path):
    served, client, path = portal
    assert _register(client, places).status_code == 303  # a pooled connection now holds the file open
    os.replace(tmp_path / "yesterday.db", path)

    refused = _register(client, places, name="Budi Santoso")
    assert refused.status_code == 503
    page = refused.get_data(as_text=True)
    assert "Penyimpanan dihentikan" in page and "sudah diganti dengan berkas lain" in page
    assert "belum tersimpan" in page
    assert _cases_in(path, "Budi Santoso") == 0  # nothing went into the file now at the path ...
    assert _cases_held(served, "Budi Santoso") == 0  # ... nor into the replaced one the pool still holds

    health = client.get("/healthz")
    assert health.status_code == 503
    body = health.get_json()
    assert body["status"] == "error" and body["database_file"] == "replaced"

    with served.app_context():
        db.engine.dispose()  # new connections: they must not open the replacement either
    for asking in (client, served.test_client()):  # signed in, and as a monitor without a session
        health = asking.get("/healthz")
        assert health.status_code == 503 and health.get_json()["database_file"] == "replaced"
    assert _register(client, places, name="Citra Lestari").status_code == 503
    assert _cases_in(path, "Citra Lestari") == 0


def test_a_deleted_file_is_reported_and_never_recreated_empty(portal, places):
    served, client, path = portal
    assert _register(client, places).status_code == 303
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)

    refused = _register(client, places, name="Budi Santoso")
    assert refused.status_code == 503
    assert "sudah tidak ada di tempatnya" in refused.get_data(as_text=True)
    with served.app_context():
        db.engine.dispose()
    health = served.test_client().get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["database_file"] == "missing"
    page = client.get("/")  # any page needs a new connection now (the signed-in user): refused, not a 500
    assert page.status_code == 503 and "Penyimpanan dihentikan" in page.get_data(as_text=True)
    assert not path.exists()  # no empty database made where the real one was


def test_the_same_file_moved_back_is_accepted_again(portal, places, tmp_path):
    served, client, path = portal
    os.replace(path, tmp_path / "moved-away.db")
    assert client.get("/healthz").get_json()["database_file"] == "missing"
    os.replace(tmp_path / "moved-away.db", path)
    assert client.get("/healthz").status_code == 200
    assert _register(client, places).status_code == 303
    assert _cases_in(path) == 1


def test_a_worker_outside_requests_stops_writing_to_a_replaced_file(portal, tmp_path):
    """The outbox worker and nightly commands hold pooled connections too: they are refused as well."""
    from slrt.maintenance.database_file import DatabaseFileReplaced
    from slrt.notifications.dispatch import send_due
    served, client, path = portal
    with served.app_context():
        send_due(served)  # opens and pools a connection to the file in place
        db.session.remove()
    os.replace(tmp_path / "yesterday.db", path)
    with served.app_context(), pytest.raises(DatabaseFileReplaced):
        send_due(served)
