"""Throttles that hold: one count shared by every worker (the database out of the box, Redis by URL), exact
under concurrency, and a warning when a proxy's forwarding headers are not trusted."""
from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from limits import parse
from sqlalchemy import func, select

from slrt.core import throttle, throttle_storage
from slrt.core.throttle_storage import DatabaseStorage, ThrottleHit
from slrt.extensions import db, limiter

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _rows(key: str | None = None) -> int:
    query = select(func.count()).select_from(ThrottleHit)
    if key is not None:
        query = query.where(ThrottleHit.key == throttle_storage._digest(key))
    with db.engine.connect() as connection:  # (not the session: its snapshot may be older than the hits)
        return connection.scalar(query)


# --- the database storage ----------------------------------------------------------------------------------

def test_the_default_storage_is_the_database_shared_by_every_worker(app, monkeypatch):
    from slrt.config import Config
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("SLRT_RATELIMIT_STORAGE_URI", raising=False)
    assert Config().RATELIMIT_STORAGE_URI == "slrt-database://"
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    assert Config().RATELIMIT_STORAGE_URI == REDIS_URL
    assert isinstance(limiter.limiter.storage, DatabaseStorage)
    checks = [throttle.per_key("SLRT_LOGIN_LIMIT", "login-pair", "siti|10.0.0.1")]
    throttle.count_failure(checks)
    assert _rows() == 1  # in the table, not in this process's memory
    with db.engine.connect() as connection:
        stored = connection.scalar(select(ThrottleHit.key))
    assert "siti" not in stored and len(stored) == 64  # a digest: no username, address or NIK in the table


def test_a_moving_window_of_n_allows_n_and_frees_a_slot_when_it_expires(app, monkeypatch):
    storage, now = DatabaseStorage(), [1_000_000_000_000]
    monkeypatch.setattr(throttle_storage, "_now_ms", lambda: now[0])
    assert [storage.acquire_entry("k", 3, 60) for _ in range(4)] == [True, True, True, False]
    assert storage.get_moving_window("k", 3, 60)[1] == 3
    now[0] += 30_000
    assert storage.acquire_entry("k", 3, 60) is False  # 30 s later: still three in the last minute
    now[0] += 30_001
    assert storage.get_moving_window("k", 3, 60)[1] == 0
    assert [storage.acquire_entry("k", 3, 60) for _ in range(4)] == [True, True, True, False]
    assert _rows("k") == 3  # slots are reused, the table does not grow
    storage.clear("k")
    assert _rows("k") == 0 and storage.acquire_entry("k", 3, 60)


def test_a_limit_holds_exactly_under_concurrent_workers(app):
    """Twelve threads on their own connections race for one key's five slots: exactly five win."""
    storage = DatabaseStorage()

    def hit(_):
        with app.app_context():
            return storage.acquire_entry("raced", 5, 600)

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(hit, range(12)))
    assert results.count(True) == 5
    assert _rows("raced") == 5


def test_the_fixed_window_counter_counts_and_resets(app, monkeypatch):
    storage, now = DatabaseStorage(), [2_000_000_000_000]
    monkeypatch.setattr(throttle_storage, "_now_ms", lambda: now[0])
    assert [storage.incr("f", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("f") == 3 and storage.get_expiry("f") == pytest.approx(now[0] / 1000 + 60)
    now[0] += 60_001
    assert storage.get("f") == 0 and storage.incr("f", 60, amount=2) == 2


def test_expired_rows_are_purged(app, monkeypatch):
    storage, now = DatabaseStorage(), [3_000_000_000_000]
    monkeypatch.setattr(throttle_storage, "_now_ms", lambda: now[0])
    for key in ("a", "b", "c"):
        storage.acquire_entry(key, 2, 60)
    assert _rows() == 3
    now[0] += 60_000 + throttle_storage.PURGE_EVERY_MS + 1
    storage.acquire_entry("d", 2, 60)
    assert _rows() == 1  # only the new one is left


def test_a_failure_counted_inside_a_write_transaction_on_sqlite_fails_at_once(app):
    """Not a 30-second wait for SQLite's write lock that this very request holds, then a 500."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer only")
    with app.test_request_context("/"):
        db.session.execute(select(1))  # a view that writes begins IMMEDIATE: it holds the write lock
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="after db.session.commit"):
            throttle.count_failure([throttle.per_key("SLRT_LOGIN_LIMIT", "login-pair", "siti|10.0.0.1")])
        assert time.monotonic() - started < 5
        db.session.rollback()
        assert throttle.count_failure([throttle.per_key("SLRT_LOGIN_LIMIT", "login-pair", "siti|10.0.0.1")])


# --- two gunicorn workers ----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(instance: Path, **extra) -> dict:
    env = dict(os.environ, FLASK_APP="app.py", SLRT_INSTANCE_DIR=str(instance), PYTHONPATH=str(ROOT),
               SLRT_STATUS_LIMIT="6 per 10 minutes", SLRT_SQLITE_SYNCHRONOUS="OFF")
    for name in ("DATABASE_URL", "REDIS_URL", "SLRT_RATELIMIT_STORAGE_URI", "SLRT_PROXY_COUNT"):
        env.pop(name, None)
    env.update(extra)
    return env


def _failed_lookups_through_gunicorn(tmp_path: Path, requests: int, **env_extra) -> tuple[list[int], set[str]]:
    """Serve a fresh SQLite portal with two gunicorn workers; send `requests` unknown tickets from one
    address, four at a time; the status codes in order, and the worker pids that answered them."""
    instance = tmp_path / "instance"
    env = _env(instance, **env_extra)
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    port, access_log = _free_port(), tmp_path / "access.log"
    # sync workers answer one request at a time, so concurrent requests are spread over both
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s %(q)s",
                               "app:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/status", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")

        def look_up(n: int) -> int:
            try:
                with urllib.request.urlopen(f"{base}/status?ticket=ZZZZZ-{n:05d}", timeout=30) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        with ThreadPoolExecutor(max_workers=4) as pool:
            codes = list(pool.map(look_up, range(requests)))
    finally:
        server.terminate()
        server.wait(30)
    pids = {line.split()[0] for line in access_log.read_text().splitlines() if "ticket=" in line}
    return codes, pids


@pytest.mark.parametrize("storage", ["database", "redis"])
def test_a_limit_of_n_holds_at_n_across_two_gunicorn_workers(tmp_path, storage):
    """SLRT_STATUS_LIMIT is 6 failures per address: six unknown tickets get an answer, then 429, however the
    requests are spread over the workers and however they race."""
    extra = {}
    if storage == "redis":
        if not _redis_up():
            pytest.skip("no Redis on 127.0.0.1:6379")
        extra = {"REDIS_URL": REDIS_URL, "SLRT_RATELIMIT_KEY_PREFIX": f"slrt-test-{uuid.uuid4().hex}"}
    codes, pids = _failed_lookups_through_gunicorn(tmp_path, 24, **extra)
    # both workers answered lookups: with counts in each worker's memory, more than six got an answer
    assert len(pids) == 2, "both workers must have answered for the test to mean anything"
    assert codes.count(200) == 6
    assert codes.count(429) == 18


def test_the_redis_storage_by_url(make_app):
    if not _redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis
    prefix = f"slrt-test-{uuid.uuid4().hex}"
    app = make_app(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
    with app.app_context():
        assert type(limiter.limiter.storage).__name__ == "RedisStorage"
        client = app.test_client()
        codes = [client.get("/status", query_string={"ticket": f"ZZZZZ-{n:05d}"}).status_code for n in range(11)]
        assert codes == [200] * 10 + [429]
        assert _rows() == 0  # nothing in the database
        connection = redis.Redis.from_url(REDIS_URL)
        keys = connection.keys(f"*{prefix}*")
        assert keys
        connection.delete(*keys)


# --- behind a reverse proxy --------------------------------------------------------------------------------

def _listen(app, monkeypatch) -> None:
    # (Alembic's logging set-up in an earlier test disables existing loggers; a server never runs it)
    monkeypatch.setattr(app.logger, "disabled", False)


def test_untrusted_forwarding_headers_are_warned_about_once(make_app, caplog, monkeypatch):
    app = make_app(SLRT_PROXY_COUNT=0)
    _listen(app, monkeypatch)
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        client.get("/status")
        assert not [r for r in caplog.records if "SLRT_PROXY_COUNT" in r.getMessage()]
        for _ in range(3):
            client.get("/status", headers={"X-Forwarded-For": "203.0.113.7"})
    warnings = [r for r in caplog.records if "SLRT_PROXY_COUNT" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert "X-Forwarded-For" in warnings[0].getMessage()
    assert "203.0.113.7" not in warnings[0].getMessage()  # an address is personal data: not in the log


def test_trusted_proxies_are_not_warned_about_and_give_each_citizen_their_own_count(make_app, caplog, monkeypatch):
    app = make_app(SLRT_PROXY_COUNT=1, SLRT_STATUS_LIMIT="2 per 10 minutes")
    _listen(app, monkeypatch)
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        first = [client.get("/status", query_string={"ticket": "ZZZZZ-ZZZZ2"},
                            headers={"X-Forwarded-For": "203.0.113.7"}).status_code for _ in range(3)]
        other = client.get("/status", query_string={"ticket": "ZZZZZ-ZZZZ2"},
                           headers={"X-Forwarded-For": "203.0.113.8"})
    assert first == [200, 200, 429] and other.status_code == 200
    assert not [r for r in caplog.records if "SLRT_PROXY_COUNT" in r.getMessage()]
