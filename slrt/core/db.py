"""Database engine set-up that both SQLite and MariaDB need.

SQLite is set up for a server: WAL so readers never wait for the writer, foreign keys on, a busy
timeout so concurrent gunicorn workers queue instead of failing, synchronous=FULL so an acknowledged
ticket survives a power cut, and write transactions that take the write lock up front (BEGIN
IMMEDIATE) so a transaction never fails half way with "database is locked" when it upgrades from
reading to writing. Views that only read are marked with @read_only and begin a deferred
transaction, so they never wait for a writer.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Outside a request (CLI commands, scripts, tests) transactions are deferred unless a command asks for
# immediate ones with `immediate_transactions()`.
_immediate_outside_requests: ContextVar[bool] = ContextVar("sqlite_immediate", default=False)


@contextmanager
def immediate_transactions():
    """For a command that writes while the portal runs: take the write lock at BEGIN."""
    token = _immediate_outside_requests.set(True)
    try:
        yield
    finally:
        _immediate_outside_requests.reset(token)


def _synchronous() -> str:
    """FULL unless SLRT_SQLITE_SYNCHRONOUS says otherwise (the test suite, whose database is thrown away,
    uses OFF: durability is not what it tests, and every commit's fsync made it several times slower)."""
    value = os.environ.get("SLRT_SQLITE_SYNCHRONOUS", "FULL").upper()
    return value if value in ("FULL", "NORMAL", "OFF") else "FULL"


def _configure_sqlite(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Autocommit at the driver level: SQLAlchemy's "begin" event below issues BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA synchronous={_synchronous()}")
    cursor.close()


def _begin_sqlite(connection):
    if connection.dialect.name != "sqlite" or connection.get_execution_options().get("slrt_autocommit"):
        return  # (an autocommit connection, e.g. the throttles': every statement is its own transaction)
    if has_request_context():
        immediate = not g.get("sqlite_read_only")
    else:
        immediate = _immediate_outside_requests.get()
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN DEFERRED")


def install_engine_hooks() -> None:
    """Set up every SQLite connection and transaction as above (once per process, whatever the number of
    apps; a MariaDB connection passes through untouched)."""
    for name, handler in (("connect", _configure_sqlite), ("begin", _begin_sqlite)):
        if not event.contains(Engine, name, handler):
            event.listen(Engine, name, handler)


def read_only(view):
    """Mark a view that never writes: on SQLite it reads without taking the write lock."""
    view._slrt_read_only = True
    return view


def reports_replica(view):
    """Mark a report view whose reads may come from the reports replica (SLRT_REPORTS_DATABASE_URL): long
    scans that can be a few seconds behind. Its writes (an export's audit row) still go to the primary
    (slrt.extensions.Session)."""
    view._slrt_reports_replica = True
    return view


def mark_read_only_request() -> None:
    """before_request hook: flag the request before anything touches the database."""
    if request.endpoint is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and getattr(view, "_slrt_read_only", False):
        g.sqlite_read_only = True
    if view is not None and getattr(view, "_slrt_reports_replica", False):
        g.reports_replica = True


class LightQuery:
    """A prebuilt SELECT for a request's light reads that need no snapshot of their own (the status page's
    case and steps, a throttle's count), each seeing every commit made so far. It runs on the DBAPI cursor:
    - on SQLite, of a pooled connection kept for this request (the driver is in autocommit: no BEGIN, no
      ROLLBACK, no Session; in WAL mode a read never waits for the writer), given back when the request
      ends (`close_light_reads`);
    - on MariaDB, of the request's own connection, whose READ COMMITTED statements see the latest commits
      (an autocommit connection there would cost two SET statements per checkout).

    Why below SQLAlchemy's Connection: these two statements run on every request of the busiest public page,
    and `Connection.execute` of a cached statement cost 0.17 ms against 0.03 ms on the cursor (cache lookup,
    execution context, result metadata). The statement is compiled once per dialect by SQLAlchemy; its
    parameters are bound by name and its columns' types convert the values (a SQLite datetime's text) as
    SQLAlchemy would."""

    def __init__(self, statement) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict, tuple]] = {}

    def _for(self, dialect):
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            done = self.statement.compile(dialect=dialect)
            names = tuple(done.positiontup) if done.positional else None  # None: bound by name (pymysql)
            processors = tuple(column.type._cached_result_processor(dialect, None)
                               for column in self.statement.selected_columns)
            # the statement's own literals (`slot >= 0`) are bound parameters too
            compiled = self._compiled[dialect.name] = (done.string, names, done.params, processors)
        return compiled

    def rows(self, **params) -> list[tuple]:
        from slrt.extensions import db
        dialect = db.engine.dialect
        sql, names, literals, processors = self._for(dialect)
        cursor = _light_dbapi_connection(dialect).cursor()
        try:
            values = {**literals, **params}
            cursor.execute(sql, values if names is None else tuple(values[name] for name in names))
            found = cursor.fetchall()
        finally:
            cursor.close()
        if not any(processors):
            return [tuple(row) for row in found]
        return [tuple(value if convert is None or value is None else convert(value)
                      for convert, value in zip(processors, row)) for row in found]


def _light_dbapi_connection(dialect):
    from slrt.extensions import db
    if dialect.name != "sqlite":
        return db.session.connection().connection.driver_connection
    connection = g.get("slrt_light_reads")
    if connection is None:
        connection = g.slrt_light_reads = db.engine.raw_connection()
    return connection.driver_connection


def close_light_reads(error=None) -> None:
    """teardown_request hook: give the light reads' connection back to the pool."""
    connection = g.pop("slrt_light_reads", None)
    if connection is not None:
        connection.close()


@contextmanager
def sqlite_foreign_keys_off(bind):
    """For a migration that changes a table's constraints: SQLite rebuilds the table (copy, drop, rename), and
    with foreign keys on, the drop deletes its rows first, which deletes the rows of every child table that
    cascades (a survey's members, a conversation's messages) or fails on one that does not. The pragma is
    ignored inside a transaction, hence the commits (sqlite3's commit is a no-op outside one). MariaDB alters
    the table in place: nothing to do."""
    if bind.dialect.name != "sqlite":
        yield
        return
    raw = bind.connection.dbapi_connection
    raw.commit()
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        raw.commit()
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def engine_options(url: str) -> dict:
    if url.startswith("mysql"):
        return {"pool_pre_ping": True, "pool_recycle": 3600, "isolation_level": "READ COMMITTED",
                "connect_args": {"charset": "utf8mb4"}}
    # No ping on SQLite: a file has no server to go away, so the ping's SELECT 1 at every checkout (every
    # request) bought nothing. (A file replaced under the portal is caught by slrt/maintenance/database_file.)
    return {}


def lock_row(model, row_id: int) -> None:
    """SELECT id ... FOR UPDATE on that one row, held until the transaction ends. Load the record after it
    with a plain query: loading the model with FOR UPDATE would also lock the rows its eager joins reach
    (a case's person and region, a referral's agency), which other transactions hold shared locks on
    through their foreign keys, and two such transactions deadlock on MariaDB. SQLite ignores FOR UPDATE:
    its write transactions are exclusive from BEGIN IMMEDIATE on."""
    from sqlalchemy import select

    from slrt.extensions import db
    db.session.execute(select(model.id).where(model.id == row_id).with_for_update())


# MariaDB: lock wait timeout, deadlock victim, and the savepoint a deadlock took with it (the whole
# transaction was rolled back, so a nested retry inside it cannot go on).
_LOCK_CONFLICTS = {1205, 1213, 1305}


def retry_on_lock_conflict(work, attempts: int = 6):
    """Run `work()` (which takes its locks itself) and, when MariaDB rolled the transaction back as a
    deadlock victim, roll back and run it again after a short random pause (so the two do not meet again).
    For the rare race that only a retry resolves: two transactions inserting the same unique value in crossed
    order (device ticket numbers)."""
    import random
    import time

    from sqlalchemy.exc import OperationalError

    from slrt.extensions import db
    for attempt in range(attempts):
        try:
            return work()
        except OperationalError as error:
            code = getattr(error.orig, "args", [None])[0]
            if code not in _LOCK_CONFLICTS or attempt == attempts - 1:
                raise
            db.session.rollback()
            time.sleep(random.uniform(0, 0.05 * (attempt + 1)))
