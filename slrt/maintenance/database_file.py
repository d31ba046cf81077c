"""The SQLite file the portal opened, and whether it is still the file at its path.

A mistaken cleanup or a restore done by hand (`rm`, `mv`, `cp` over `slrt.db`) while the portal runs leaves
its pooled connections writing into the old file, which is gone at the next restart with every ticket
acknowledged meanwhile; new connections would open (or create) another file. So the portal remembers the
device and inode of the file its first connection opened and compares it with what is at the path now:
before every request that writes (one `stat`, a few microseconds), before every new connection (so a
missing file is never silently re-created empty), at every checkout outside a request (the outbox worker),
and in `/healthz`. While they differ, writes are refused
with a 503 page that says what happened; reads keep answering from the file the workers still hold. Restart
the portal after putting the right file in place (see README, "Backups and restore").
"""
from __future__ import annotations

import logging
import os
import threading

from flask import Flask, current_app, g, has_request_context, jsonify, request
from sqlalchemy import event
from werkzeug.exceptions import ServiceUnavailable

log = logging.getLogger("slrt.database_file")

EXTENSION_KEY = "slrt_database_file"
MISSING, REPLACED = "missing", "replaced"


class DatabaseFileReplaced(ServiceUnavailable):
    """The SQLite file at the configured path is not the one this process opened (or is gone)."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


class DatabaseFileWatch:
    """Device and inode of the database file as first opened by this process, and a cheap comparison."""

    def __init__(self, path: str) -> None:
        self.path = os.path.abspath(path)
        self.opened: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self._reported: str | None = None

    def _at_path(self) -> tuple[int, int] | None:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return None
        return status.st_dev, status.st_ino

    def problem(self) -> str | None:
        """None while the file at the path is the one opened; else MISSING or REPLACED."""
        if self.opened is None:
            return None  # nothing opened yet: the first connection defines the file
        now = self._at_path()
        found = MISSING if now is None else (REPLACED if now != self.opened else None)
        if found and found != self._reported:
            log.error("SQLite database file %s is %s since this process opened it: writes are refused "
                      "until the portal is restarted", self.path, found)
        self._reported = found
        return found

    def before_connect(self, dialect, connection_record, cargs, cparams) -> None:
        """`do_connect` listener: never let a new connection open (or create) a different file."""
        problem = self.problem()
        if problem:
            raise DatabaseFileReplaced(problem)

    def on_checkout(self, dbapi_connection, connection_record, connection_proxy) -> None:
        """Outside a request (the outbox worker, the dispatch thread, a nightly command) every checkout is
        checked, since those processes have no request hook and may hold a connection for days."""
        if has_request_context():
            return
        problem = self.problem()
        if problem:
            raise DatabaseFileReplaced(problem)

    def after_connect(self, dbapi_connection, connection_record) -> None:
        if self.opened is None:
            with self._lock:
                if self.opened is None:
                    self.opened = self._at_path()


def sqlite_file_path(url) -> str | None:
    """The file of a SQLite URL; None for MariaDB or an in-memory database."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:") or url.query.get("mode") == "memory":
        return None
    return database


def watch_for(app: Flask) -> DatabaseFileWatch | None:
    return app.extensions.get(EXTENSION_KEY)


def file_problem(app: Flask | None = None) -> str | None:
    """For /healthz: None when all is well (or the database is not a SQLite file)."""
    watch = watch_for(app or current_app)
    return watch.problem() if watch else None


def init_app(app: Flask) -> None:
    from slrt.extensions import db

    with app.app_context():
        engine = db.engine
    path = sqlite_file_path(engine.url)
    if path is None:
        return
    watch = DatabaseFileWatch(path)
    app.extensions[EXTENSION_KEY] = watch
    event.listen(engine, "do_connect", watch.before_connect)
    event.listen(engine, "connect", watch.after_connect)
    event.listen(engine, "checkout", watch.on_checkout)

    @app.before_request
    def refuse_writes_to_a_replaced_file():
        # After mark_read_only_request: views marked @read_only keep reading from the file still held open.
        if request.endpoint == "static" or g.get("sqlite_read_only"):
            return
        problem = watch.problem()
        if problem:
            raise DatabaseFileReplaced(problem)

    @app.errorhandler(DatabaseFileReplaced)
    def database_file_replaced(error: DatabaseFileReplaced):
        from slrt.extensions import db as database
        database.session.rollback()
        if request.endpoint == "core.healthz":  # reached before the view (e.g. loading the signed-in user)
            body = {"status": "error", "database": "unreachable", "database_file": error.problem}
            return jsonify(body), 503
        # Rendered without the context processors: they load the signed-in user, i.e. open a connection.
        page = app.jinja_env.get_template("maintenance/database_file.html").render(missing=error.problem == MISSING)
        return page, 503, {"Retry-After": "300", "Content-Type": "text/html; charset=utf-8"}
