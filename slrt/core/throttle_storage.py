"""The throttles' default storage: a table in the portal's own database (`slrt-database://`).

Why not what Flask-Limiter offers: its default keeps the counts in each process's memory, so every
gunicorn worker allowed the full limit (with `make run`'s two workers, 10 failures per address became
about 19). The `limits` library ships storages for memory, Redis (plain, Sentinel, Cluster), Memcached
and MongoDB: each a server that a district office may not run. Every worker of a server, and every node
of a deployment, already shares the database, so out of the box the counts live there; a Redis named by
SLRT_RATELIMIT_STORAGE_URI or REDIS_URL takes over where one runs.

How a limit of N per T holds at N (the moving window, exactly): each key has N slots, a hit takes a slot
whose time has run out (a compare-and-set UPDATE) or one never used (an INSERT that the primary key lets
only one worker win). Each step is one statement on an autocommit connection, so it is atomic on SQLite
and MariaDB alike, no lock is held between statements, and a throttle hit never waits on (or joins) the
request's own transaction. Keys are stored as SHA-256 digests: a throttle key may hold a username, an
address or a NIK, which have no business sitting in a counter table. Expired rows are purged every few
minutes by whichever worker comes by.
"""
from __future__ import annotations

import hashlib
import threading
import time

from flask import g, has_request_context
from sqlalchemy import BigInteger, Integer, String, bindparam, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from limits.storage import MovingWindowSupport, Storage
from slrt.core.db import LightQuery
from slrt.extensions import db

SCHEME = "slrt-database"
FIXED_WINDOW_SLOT = -1  # the fixed-window strategy's counter row; moving-window slots are 0..N-1
PURGE_EVERY_MS = 5 * 60 * 1000
_RETRIES = 5  # a worker that loses every race this many times in a row reports the limit as reached


class ThrottleHit(db.Model):
    """One slot of a throttle key: taken until `expires_ms` (milliseconds since the epoch)."""

    __tablename__ = "throttle_hits"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    expires_ms: Mapped[int] = mapped_column(BigInteger, index=True)
    hits: Mapped[int] = mapped_column(Integer, default=1)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _now_ms() -> int:
    return int(time.time() * 1000)


def _refuse_while_the_request_holds_the_write_lock() -> None:
    """SQLite has one writer: a request that has begun writing (BEGIN IMMEDIATE) holds the lock until it
    commits, and a throttle hit on another connection of the same thread would wait for it in vain (30 s,
    then "database is locked"). Fail at once, with the way out, instead."""
    if has_request_context() and not g.get("sqlite_read_only") and db.session().in_transaction():
        raise RuntimeError("A throttle failure was counted while the request holds SQLite's write lock: count "
                           "it after db.session.commit(), or from a @read_only view (see slrt.core.throttle).")


_hits = ThrottleHit.__table__
# The read every public lookup and login makes: built once (it runs on every request of the status page).
_LIVE_SLOTS = LightQuery(select(func.count(), func.min(_hits.c.expires_ms)).where(
    _hits.c.key == bindparam("key"), _hits.c.slot >= 0, _hits.c.slot < bindparam("limit"),
    _hits.c.expires_ms > bindparam("now")))


class DatabaseStorage(Storage, MovingWindowSupport):
    """A `limits` storage on the Flask app's own database (resolved per call, inside the app context)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._table = ThrottleHit.__table__
        self._last_purge_ms = 0
        self._purge_lock = threading.Lock()

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def _connect(self, writing: bool = False):
        # Autocommit: each statement stands alone (see the module docstring), so SQLite never holds its
        # write lock for longer than one statement.
        if writing and db.engine.dialect.name == "sqlite":
            _refuse_while_the_request_holds_the_write_lock()
        connection = db.engine.connect()
        if connection.dialect.name == "sqlite":  # the driver is in autocommit already: skip the BEGIN
            return connection.execution_options(slrt_autocommit=True)
        return connection.execution_options(isolation_level="AUTOCOMMIT")

    # ---- moving window -----------------------------------------------------------------------------

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        digest, now = _digest(key), _now_ms()
        until = now + int(expiry * 1000)
        with self._connect(writing=True) as connection:
            self._purge(connection, now)
            # (the portal's throttles always cost 1; a larger cost takes its slots one by one)
            return all(self._take_slot(connection, digest, limit, now, until) for _ in range(amount))

    def _take_slot(self, connection, digest: str, limit: int, now: int, until: int) -> bool:
        t = self._table
        of_key = (t.c.key == digest, t.c.slot >= 0, t.c.slot < limit)
        for _ in range(_RETRIES):
            expired = connection.execute(select(t.c.slot).where(*of_key, t.c.expires_ms <= now)
                                         .order_by(t.c.slot).limit(8)).scalars().all()
            for slot in expired:
                taken = connection.execute(update(t).where(t.c.key == digest, t.c.slot == slot,
                                                           t.c.expires_ms <= now)
                                           .values(expires_ms=until, hits=1))
                if taken.rowcount == 1:
                    return True
            count, top = connection.execute(select(func.count(), func.max(t.c.slot)).where(*of_key)).one()
            if count >= limit:
                if not expired:
                    return False  # every slot is live: the limit is reached
                continue  # others took the expired slots first; look again
            if top is None or count == top + 1:
                free = 0 if top is None else top + 1  # slots are dense: the next one
            else:  # a gap left by a purge
                used = set(connection.execute(select(t.c.slot).where(*of_key)).scalars())
                free = next(s for s in range(limit) if s not in used)
            try:
                connection.execute(insert(t).values(key=digest, slot=free, expires_ms=until, hits=1))
                return True
            except IntegrityError:
                continue  # another worker took that slot in between
        return False

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        values = {"key": _digest(key), "limit": limit, "now": _now_ms()}
        if has_request_context():  # the login and the public lookups read on every request: no extra checkout
            count, oldest = _LIVE_SLOTS.rows(**values)[0]
        else:
            with self._connect() as connection:
                count, oldest = connection.execute(_LIVE_SLOTS.statement, values).one()
        if not count:
            return time.time(), 0
        return oldest / 1000 - expiry, count

    # ---- fixed window (limits' default strategy; the portal configures the moving window) ----------

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        t = self._table
        digest, now = _digest(key), _now_ms()
        until = now + int(expiry * 1000)
        counter = (t.c.key == digest, t.c.slot == FIXED_WINDOW_SLOT)
        with self._connect(writing=True) as connection:
            self._purge(connection, now)
            for _ in range(_RETRIES):
                if connection.execute(update(t).where(*counter, t.c.expires_ms > now)
                                      .values(hits=t.c.hits + amount)).rowcount:
                    break
                if connection.execute(update(t).where(*counter, t.c.expires_ms <= now)
                                      .values(hits=amount, expires_ms=until)).rowcount:
                    break
                try:
                    connection.execute(insert(t).values(key=digest, slot=FIXED_WINDOW_SLOT, hits=amount,
                                                        expires_ms=until))
                    break
                except IntegrityError:
                    continue
            return self._counter(connection, digest)[0]

    def _counter(self, connection, digest: str) -> tuple[int, float]:
        t = self._table
        row = connection.execute(select(t.c.hits, t.c.expires_ms).where(
            t.c.key == digest, t.c.slot == FIXED_WINDOW_SLOT, t.c.expires_ms > _now_ms())).first()
        return (row.hits, row.expires_ms / 1000) if row else (0, time.time())

    def get(self, key: str) -> int:
        with self._connect() as connection:
            return self._counter(connection, _digest(key))[0]

    def get_expiry(self, key: str) -> float:
        with self._connect() as connection:
            return self._counter(connection, _digest(key))[1]

    # ---- upkeep ------------------------------------------------------------------------------------

    def _purge(self, connection, now: int) -> None:
        """Drop rows whose time ran out a while ago (a slot still in the table is simply reused)."""
        if now - self._last_purge_ms < PURGE_EVERY_MS or not self._purge_lock.acquire(blocking=False):
            return
        try:
            self._last_purge_ms = now
            connection.execute(delete(self._table).where(self._table.c.expires_ms < now - PURGE_EVERY_MS))
        finally:
            self._purge_lock.release()

    def check(self) -> bool:
        try:
            with self._connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self._connect(writing=True) as connection:
            return connection.execute(delete(self._table)).rowcount

    def clear(self, key: str) -> None:
        with self._connect(writing=True) as connection:
            connection.execute(delete(self._table).where(self._table.c.key == _digest(key)))
