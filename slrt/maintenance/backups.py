"""Backups of the portal's database, their rotation, and a restore into a scratch database that proves a
backup can be read back.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the database in one step while the portal
keeps serving: the copy is one consistent snapshot (a read transaction; in WAL mode writers never wait for
it). One step on purpose: a backup copied in several steps starts over whenever another connection writes,
which at a busy counter may be forever. MariaDB: `mariadb-dump --single-transaction` (a consistent snapshot
of InnoDB tables without locking them), gzip-compressed.

Files are named `slrt-YYYYMMDD-HHMMSS.sqlite3` / `.sql.gz` in the district's time, written under a temporary
name and renamed when complete, so a half-written backup never looks like a backup. Rotation keeps the
newest backup of each of the last N days that have one.
"""
from __future__ import annotations

import gzip
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from slrt.core.time import local_zone
from slrt.maintenance.database_file import sqlite_file_path

NAME = re.compile(r"^slrt-(\d{8})-(\d{6})\.(sqlite3|sql\.gz)$")
SQLITE_BUSY_TIMEOUT_MS = 30_000
COPY_CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """The backup or the restore could not be made; the message says why."""


@dataclass
class BackupResult:
    path: Path
    size: int
    removed: list[Path] = field(default_factory=list)


@dataclass
class VerifyReport:
    integrity: list[str]
    counts: dict[str, int]
    schema_revision: str | None

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"]


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def backup_name(moment: datetime, url: str | URL) -> str:
    suffix = "sqlite3" if is_sqlite(url) else "sql.gz"
    return f"slrt-{moment.strftime('%Y%m%d-%H%M%S')}.{suffix}"


def make_backup(url: str | URL, folder: Path, keep_days: int, now: datetime | None = None) -> BackupResult:
    """Back the database at `url` up into `folder`, then rotate: keep the newest of each of `keep_days` days."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)  # backups hold every citizen's data
    moment = now or datetime.now(local_zone())
    target = folder / backup_name(moment, url)
    partial = target.with_name(target.name + ".partial")
    try:
        if is_sqlite(url):
            _backup_sqlite(url, partial)
        else:
            _backup_mariadb(make_url(url), partial)
        os.chmod(partial, 0o600)
        _fsync(partial)
        os.replace(partial, target)
        _fsync(folder)
    finally:
        partial.unlink(missing_ok=True)
    removed = rotate(folder, keep_days, keep=target)
    return BackupResult(target, target.stat().st_size, removed)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _backup_sqlite(url: str | URL, target: Path) -> None:
    path = sqlite_file_path(make_url(url))
    if path is None or not os.path.exists(path):
        raise BackupError(f"SQLite database file not found: {path}")
    # mode=rw: never create an empty database where the file is missing.
    source = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # pages=-1: the whole database in one consistent step (see the module's docstring)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        copy.commit()
    finally:
        copy.close()
        source.close()


def _client_arguments(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for mariadb / mariadb-dump; the password goes through the environment, never argv."""
    arguments = ["--default-character-set=utf8mb4"]
    if url.host:
        arguments += ["--host", url.host]
    if url.port:
        arguments += ["--port", str(url.port)]
    if url.username:
        arguments += ["--user", url.username]
    if url.query.get("unix_socket"):
        arguments += ["--socket", str(url.query["unix_socket"])]
    environment = dict(os.environ)
    if url.password:
        environment["MYSQL_PWD"] = str(url.password)
    return arguments, environment


def _program(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise BackupError(f"{names[0]} not found: install the MariaDB client (apt install mariadb-client)")


def _backup_mariadb(url: URL, target: Path) -> None:
    arguments, environment = _client_arguments(url)
    command = [_program("mariadb-dump", "mysqldump"), *arguments, "--single-transaction", "--quick",
               "--no-tablespaces", "--hex-blob", "--skip-dump-date", url.database]
    with gzip.open(target, "wb") as out, tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=environment)
        assert process.stdout is not None
        shutil.copyfileobj(process.stdout, out, COPY_CHUNK)
        if process.wait() != 0:
            errors.seek(0)
            raise BackupError(f"mariadb-dump failed: {errors.read().decode(errors='replace').strip()}")


def rotate(folder: Path, keep_days: int, keep: Path | None = None) -> list[Path]:
    """Remove backups beyond the newest one of each of the `keep_days` most recent days that have one."""
    by_day: dict[str, list[Path]] = {}
    for path in folder.iterdir():
        match = NAME.match(path.name)
        if match and path.is_file():
            by_day.setdefault(match.group(1), []).append(path)
    kept_days = sorted(by_day, reverse=True)[:keep_days]
    removed = []
    for day, paths in by_day.items():
        newest = max(paths, key=lambda p: p.name)
        for path in paths:
            if path == keep or (day in kept_days and path == newest):
                continue
            path.unlink()
            removed.append(path)
    return sorted(removed)


@contextmanager
def restored(backup: Path, server_url: str | URL | None = None, scratch_dir: str | None = None):
    """Restore `backup` into a scratch database and yield its SQLAlchemy URL; the scratch is removed after.

    A SQLite backup is copied into a temporary folder. A MariaDB dump is loaded into a new database
    `<name>_verify_<random>` on the server of `server_url` (whose account must be allowed to create one)."""
    backup = Path(backup)
    if NAME.match(backup.name) is None and backup.suffix not in (".sqlite3", ".db", ".gz", ".sql"):
        raise BackupError(f"not a portal backup: {backup.name}")
    if backup.name.endswith((".sql.gz", ".sql")):
        with _mariadb_scratch(backup, server_url) as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="slrt-restore-", dir=scratch_dir) as folder:
        copy = Path(folder) / "restored.sqlite3"
        shutil.copyfile(backup, copy)
        yield f"sqlite:///{copy}"


@contextmanager
def _mariadb_scratch(dump: Path, server_url: str | URL | None):
    if server_url is None or is_sqlite(server_url):
        raise BackupError("a MariaDB dump is restored on a MariaDB server: set DATABASE_URL to it")
    server = make_url(server_url)
    scratch = f"{server.database}_verify_{secrets.token_hex(4)}"[:64]
    admin = create_engine(server)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE `{scratch}` CHARACTER SET utf8mb4 "
                                       "COLLATE utf8mb4_unicode_ci")
        try:
            arguments, environment = _client_arguments(server)
            command = [_program("mariadb", "mysql"), *arguments, "--batch", scratch]
            opener = gzip.open if dump.name.endswith(".gz") else open
            with opener(dump, "rb") as source, tempfile.TemporaryFile() as errors:
                process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=errors, stdout=subprocess.DEVNULL,
                                           env=environment)
                assert process.stdin is not None
                try:
                    shutil.copyfileobj(source, process.stdin, COPY_CHUNK)
                except BrokenPipeError:
                    pass  # the client stopped on an error: its message follows
                process.stdin.close()
                if process.wait() != 0:
                    errors.seek(0)
                    raise BackupError(f"loading the dump failed: {errors.read().decode(errors='replace').strip()}")
            yield server.set(database=scratch)
        finally:
            with admin.begin() as connection:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS `{scratch}`")
    finally:
        admin.dispose()


def _counts(connection, tables: list[str]) -> dict[str, int]:
    quote = connection.dialect.identifier_preparer.quote
    return {table: connection.execute(text(f"SELECT COUNT(*) FROM {quote(table)}")).scalar_one() for table in tables}


def count_rows(url: str | URL) -> dict[str, int]:
    """Rows per table of the database at `url` (the live one, to compare with a backup)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return _counts(connection, sorted(inspect(connection).get_table_names()))
    finally:
        engine.dispose()


def check(url: str | URL) -> VerifyReport:
    """Integrity (SQLite: `PRAGMA integrity_check` and foreign keys; MariaDB: `CHECK TABLE`), row counts and
    the schema revision of a restored database."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = sorted(inspect(connection).get_table_names())
            if engine.dialect.name == "sqlite":
                integrity = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
                orphans = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if orphans and integrity == ["ok"]:
                    integrity = [f"foreign key missing: {row[0]} row {row[1]} -> {row[2]}" for row in orphans[:20]]
            else:
                integrity = []
                for table in tables:
                    for row in connection.exec_driver_sql(f"CHECK TABLE `{table}`"):
                        if row[2] in ("error", "warning") or (row[2] == "status" and row[3] != "OK"):
                            integrity.append(f"{table}: {row[3]}")
                integrity = integrity or ["ok"]
            revision = None
            if "alembic_version" in tables:
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            counts = _counts(connection, tables)
    finally:
        engine.dispose()
    return VerifyReport(integrity, counts, revision)


def verify(backup: Path, server_url: str | URL | None = None, scratch_dir: str | None = None) -> VerifyReport:
    with restored(backup, server_url, scratch_dir) as url:
        try:
            return check(url)
        except DBAPIError as error:  # not a database at all, or damaged beyond reading
            return VerifyReport([f"unreadable: {error.orig}"], {}, None)
