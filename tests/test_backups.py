"""`flask backup` while the counter keeps registering, and `flask restore --verify` that proves the backup
reads back: every intake acknowledged before the backup began is in the restored copy, each whole."""
from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from slrt.core.db import immediate_transactions
from slrt.extensions import db
from slrt.maintenance import backups
from tests.conftest import _external

CLERKS = 4


def _nik(clerk: int, serial: int) -> str:
    return f"3204054512{90 + clerk:02d}{serial:04d}"


@pytest.fixture
def counter_load(app, make_user, places):
    """CLERKS threads registering visits through the intake operation, each in its own session; a ticket is
    'acknowledged' once its commit returned (what the clerk prints on the receipt)."""
    from slrt.admin.models import ComplaintCategory
    from slrt.intake.operations import VisitData, register_visit
    clerk_ids = [make_user("front_office", username=f"loketbackup{n}").id for n in range(CLERKS)]
    category = db.session.scalar(db.select(ComplaintCategory.id).where(ComplaintCategory.code == "KESEHATAN"))
    acknowledged: list[str] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def clerk(n: int) -> None:
        from slrt.auth.models import User
        serial = 0
        with app.app_context(), immediate_transactions():  # as a request does: BEGIN IMMEDIATE on SQLite
            try:
                while not stop.is_set():
                    serial += 1
                    actor = db.session.get(User, clerk_ids[n])
                    data = VisitData(nik=_nik(n, serial), name=f"Warga {n}-{serial}", birth_date=datetime(1990, 12, 5).date(),
                                     sex="P", region_code=places.desa, channel="counter",
                                     visit_type="service_request", complaints=[(category, "KIS tidak aktif")])
                    ticket = register_visit(data, actor).ticket
                    db.session.commit()
                    acknowledged.append(ticket)
            except BaseException as error:  # noqa: BLE001 - reported by the test
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=clerk, args=(n,), daemon=True) for n in range(CLERKS)]
    for thread in threads:
        thread.start()
    yield acknowledged, failures
    stop.set()
    for thread in threads:
        thread.join(timeout=60)


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the counter load did not get going"
        time.sleep(0.02)


def test_a_backup_under_write_load_restores_every_acknowledged_intake(app, counter_load, tmp_path):
    acknowledged, failures = counter_load
    _wait_for(lambda: len(acknowledged) >= 20 or failures)
    before = set(acknowledged)  # acknowledged before the backup began: each must be in it
    result = backups.make_backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "backups", keep_days=7)
    during = set(acknowledged) - before
    _wait_for(lambda: len(acknowledged) >= len(before) + len(during) + 5 or failures)  # the counter kept going
    assert not failures, failures

    with backups.restored(result.path, app.config["SQLALCHEMY_DATABASE_URI"]) as url:
        engine = create_engine(url)
        with engine.connect() as connection:
            restored = set(connection.execute(text("SELECT ticket FROM cases")).scalars())
            halves = connection.execute(text(
                "SELECT COUNT(*) FROM cases WHERE NOT EXISTS (SELECT 1 FROM complaints c WHERE c.case_id = cases.id)"
                " OR NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = cases.id)"
                " OR NOT EXISTS (SELECT 1 FROM people p WHERE p.id = cases.person_id)")).scalar_one()
        engine.dispose()
        report = backups.check(url)

    assert before <= restored, f"{len(before - restored)} acknowledged intakes missing from the backup"
    assert restored <= set(acknowledged)  # nothing half-done or invented
    assert halves == 0  # every restored case whole: its person, its complaint, its first event
    assert report.ok, report.integrity
    assert report.counts["cases"] == len(restored)
    assert report.schema_revision is not None


def _touch(folder: Path, stamp: str, suffix: str = "sqlite3") -> Path:
    path = folder / f"slrt-{stamp}.{suffix}"
    path.write_bytes(b"x")
    return path


def test_rotation_keeps_the_newest_backup_of_each_of_the_last_days(tmp_path):
    older = _touch(tmp_path, "20261120-020000")
    day1_early, day1_late = _touch(tmp_path, "20261125-020000"), _touch(tmp_path, "20261125-143000")
    day2 = _touch(tmp_path, "20261126-020000")
    day3_early, day3_late = _touch(tmp_path, "20261127-020000"), _touch(tmp_path, "20261127-020500")
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("kept")

    removed = backups.rotate(tmp_path, keep_days=3)

    assert set(removed) == {older, day1_early, day3_early}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([day1_late.name, day2.name, day3_late.name,
                                                                  "notes.txt"])


def test_the_backup_command_writes_rotates_and_restore_verify_reads_it_back(app, make_case, tmp_path):
    make_case()
    folder = tmp_path / "backups"
    folder.mkdir()
    stale = _touch(folder, "20200101-020000", "sqlite3" if not _external() else "sql.gz")
    runner = app.test_cli_runner()

    made = runner.invoke(args=["backup", "--dir", str(folder), "--keep", "1"])
    assert made.exit_code == 0, made.output
    written = [p for p in folder.iterdir() if backups.NAME.match(p.name)]
    assert len(written) == 1 and not stale.exists()
    assert f"Old backup removed: {stale.name}" in made.output
    assert oct(folder.stat().st_mode & 0o777) == "0o700" and oct(written[0].stat().st_mode & 0o777) == "0o600"

    checked = runner.invoke(args=["restore", "--verify", str(written[0])])
    assert checked.exit_code == 0, checked.output
    assert "Integrity: ok" in checked.output
    lines = {line.split()[0]: line.split()[1:] for line in checked.output.splitlines() if line.startswith("cases ")}
    assert lines["cases"] == ["1", "1"]  # in the backup, and live now


def test_restore_without_verify_never_touches_the_live_database(app, make_case, tmp_path):
    make_case()
    result = backups.make_backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, keep_days=1)
    refused = app.test_cli_runner().invoke(args=["restore", str(result.path)])
    assert refused.exit_code == 2
    assert "never overwrites the live database" in refused.output


@pytest.mark.skipif(_external(), reason="a damaged SQLite file")
def test_restore_verify_fails_on_a_damaged_backup(app, make_case, tmp_path):
    make_case()
    result = backups.make_backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, keep_days=1)
    data = bytearray(result.path.read_bytes())
    page = 4096
    for offset in range(page * 2, len(data) - page, page * 3):  # scribble over many pages, keep the header
        data[offset:offset + 64] = b"\xff" * 64
    result.path.write_bytes(bytes(data))
    checked = app.test_cli_runner().invoke(args=["restore", "--verify", str(result.path)])
    assert checked.exit_code == 1, checked.output
    assert "FAILED" in checked.output or "Restore failed" in checked.output
