"""The orphan-file sweep of the nightly retention run (slrt.core.orphans): files under the upload folder that no
row names and that are older than a day are removed and counted; a file a row names never is."""
from __future__ import annotations

import io
import os
import re
import secrets
import time
from datetime import date, timedelta

from PIL import Image
from werkzeug.datastructures import FileStorage

from slrt.core import uploads
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.privacy import operations
from tests.registry_helpers import hold_meeting
from tests.test_districts import second  # noqa: F401 - a fixture
from tests.test_privacy import NOW, _attach, _audits, _close, _files, upload_dir  # noqa: F401 - upload_dir: fixture
from tests.test_retention_registry import _household, _steps

TWO_DAYS = 2 * 24 * 3600


def _age(path, seconds=TWO_DAYS):
    then = time.time() - seconds
    os.utime(path, (then, then))


def _stray(folder: str, name: str) -> object:
    directory = uploads.upload_root() / folder
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(b"%PDF-1.4 left behind")
    return path


def _logo(actor, region_code=None):
    from slrt.admin import settings
    content = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(content, "PNG")
    content.seek(0)
    stored = uploads.save_upload(FileStorage(content, filename="logo.png"), "logo")
    settings.put("letterhead_logo", stored.name, actor, region_code=region_code)
    db.session.commit()
    return uploads.folder("logo") / stored.name


def test_files_no_row_names_are_swept_and_every_named_file_is_kept(app, places, make_user, make_case, upload_dir,
                                                                   second):
    """Before, a file whose row never committed (a killed process, a failed commit), an upload's partial file, or
    an extract never mapped stayed on disk for good, personal data that nothing pointed at. Now the run removes
    them once a day old; every file a row of any district names (attachments and their thumbnails, meeting and
    proposal minutes, each district's logo) stays, however old."""
    back_office = make_user("back_office")
    case = make_case()
    attachment = _attach(case, back_office, utcnow())
    proposal, clerk = _household(places, make_user, 1)
    meeting = hold_meeting([proposal], clerk)
    legacy, _c = _household(places, make_user, 2)
    stored = uploads.save_upload(FileStorage(io.BytesIO(b"%PDF-1.4 notulen"), filename="n.pdf"), "document")
    legacy.minutes_file, legacy.minutes_name = stored.name, stored.original_name
    db.session.commit()
    admin = make_user("admin")
    named = [*_files(attachment), uploads.folder("document") / meeting.minutes_file,
             uploads.folder("document") / legacy.minutes_file, _logo(admin),
             _logo(make_user("admin", region_code=places.other_district), places.other_district)]
    token = secrets.token_hex
    orphans = [_stray("lampiran", f"{token(16)}.jpg"), _stray("lampiran/kecil", f"{token(16)}.jpg"),
               _stray("musdes", f"{token(16)}.pdf"), _stray("", f"logo-{token(16)}.svg"),
               _stray("registry", f"{token(16)}.csv"), _stray("lampiran", f".{token(16)}.part")]
    young = _stray("lampiran", f"{token(16)}.pdf")  # an upload in flight: its row is not committed yet
    foreign = [_stray("lampiran", "catatan-operator.txt"), _stray("cadangan", f"{token(16)}.pdf")]
    for path in [*named, *orphans, *foreign]:
        _age(path)
    assert all(path.is_file() for path in [*named, *orphans, young, *foreign])

    dry = operations.run_retention(utcnow(), dry_run=True)
    db.session.rollback()
    assert _steps(dry)["orphan_files_removed"] == len(orphans)
    assert all(path.is_file() for path in [*named, *orphans, young, *foreign])

    report = operations.run_retention(utcnow())
    assert all(path.is_file() for path in orphans)  # only once the run has committed
    db.session.commit()
    assert _steps(report)["orphan_files_removed"] == len(orphans)
    assert "  - Berkas yang tidak disebut data mana pun dihapus: 6" in report.lines()
    assert not any(path.exists() for path in orphans)
    assert all(path.is_file() for path in [*named, young, *foreign])
    note = _audits("privacy.retention")[0].note
    assert "orphan_files_removed=6" in note and re.search(r"orphan_files_removed: .*lampiran 2", note)
    assert _steps(operations.run_retention(utcnow()))["orphan_files_removed"] == 0


def test_a_file_removed_with_its_row_in_the_same_run_is_counted_once(app, make_case, make_user, upload_dir):
    case = make_case()
    attachment = _attach(case, make_user("back_office"), NOW - timedelta(days=365 * 6))
    _close(case, NOW - timedelta(days=365 * 6))
    files = _files(attachment)
    for path in files:
        _age(path)
    report = operations.run_retention(NOW)
    db.session.commit()
    assert _steps(report)["attachments_removed"] == 1 and _steps(report)["orphan_files_removed"] == 0
    assert not any(path.exists() for path in files)


def test_the_extracts_folder_is_left_alone_while_an_import_runs(app, make_user, upload_dir):
    """A running import reads an extract that no row names (the import keeps the name it was uploaded with)."""
    from slrt.registry.models import ImportStatus, RegistryImport
    extract = _stray("registry", f"{secrets.token_hex(16)}.csv")
    _age(extract)
    running = RegistryImport(file_name="dtsen.csv", status=ImportStatus.RUNNING, extract_date=date(2025, 9, 1),
                             district_code="32.04")
    db.session.add(running)
    db.session.commit()
    assert _steps(operations.run_retention(utcnow(), dry_run=True))["orphan_files_removed"] == 0
    db.session.rollback()
    running.status = ImportStatus.DONE
    db.session.commit()
    assert _steps(operations.run_retention(utcnow(), dry_run=True))["orphan_files_removed"] == 1


def test_a_run_given_a_later_moment_still_spares_files_younger_than_a_day(app, upload_dir):
    """`now` in the future (as tests and a catch-up run pass) does not age a file: the real clock decides."""
    _stray("lampiran", f"{secrets.token_hex(16)}.jpg")
    assert _steps(operations.run_retention(NOW, dry_run=True))["orphan_files_removed"] == 0


# Every column that holds the name of a kept file: a new one must be declared to slrt.core.orphans (or the sweep
# would remove the files it names). (table, column) -> where it is declared, or why it needs no declaration.
FILE_COLUMNS = {
    ("attachments", "file_name"): "attachments.files",
    ("attachments", "thumbnail_name"): "attachments.thumbnails",
    ("registry_meetings", "minutes_file"): "registry.minutes",
    ("registry_proposals", "minutes_file"): "registry.minutes",
    ("field_photos", "uuid"): "field.partial_photos",
    ("registry_imports", "file_name"): None,  # the name it was uploaded with, never a kept file's name
    ("registry_meetings", "minutes_name"): None,  # the same
    ("registry_proposals", "minutes_name"): None,
    ("attachments", "file_type"): None,  # pdf, jpg or png
    ("settings", "value"): "admin.logo",  # letterhead_logo
}


def test_every_column_naming_a_file_is_declared_to_the_sweep(app):
    from slrt.core import orphans
    suspects = {(table.name, column.name) for table in db.metadata.tables.values() for column in table.columns
                if re.search(r"file|thumbnail|logo|photo|path|minutes|scan", column.name)}
    assert suspects <= set(FILE_COLUMNS), f"declare to slrt.core.orphans and list here: {suspects - set(FILE_COLUMNS)}"
    keys = {entry.key for entry in orphans.declared()}
    assert {key for key in FILE_COLUMNS.values() if key} <= keys
    # and every kind's folder is declared by some feature
    assert {spec.folder for spec in uploads.KINDS.values()} <= {entry.folder for entry in orphans.declared()}
