"""The report pages read from the reports replica (SLRT_REPORTS_DATABASE_URL) when there is one, and write their
audit rows to the primary. On SQLite with two files: the replica is a copy of the primary taken before a case
was registered, as a replica lagging behind would be."""
from __future__ import annotations

import sqlite3

import pytest

from slrt.audit.models import AuditLog
from tests.auth_helpers import log_in
from tests.conftest import _external, count

pytestmark = pytest.mark.skipif(_external(), reason="two SQLite database files")


def _registered(client) -> str:
    """The dashboard export's CSV: the figures of the user's region this month."""
    response = client.get("/laporan/dasbor.csv")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_report_pages_read_the_replica_and_audit_on_the_primary(app, make_app, make_user, make_case, database_url,
                                                                 tmp_path):
    make_user("supervisor", username="kabid")
    primary_client = app.test_client()
    log_in(primary_client, "kabid")
    before = _registered(primary_client)
    replica = tmp_path / "replica.db"
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as source, sqlite3.connect(replica) as copy:
        source.backup(copy)
    make_case()  # on the primary only
    assert _registered(primary_client) != before

    with_replica = make_app(SLRT_REPORTS_DATABASE_URL=f"sqlite:///{replica}")
    client = with_replica.test_client()
    log_in(client, "kabid")
    exports = count(AuditLog, AuditLog.action == "report.export")
    assert _registered(client) == before
    assert count(AuditLog, AuditLog.action == "report.export") == exports + 1
