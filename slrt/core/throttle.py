"""Throttling of failures: public lookups (ticket status, letter verification) and logins.

Only failures count, so a citizen who types the right ticket is never slowed down; a check is
(limit, scope, key), e.g. 10 failures per 10 minutes per address. The counts are shared by every
worker and node: in the database out of the box (slrt/core/throttle_storage.py), in Redis when
SLRT_RATELIMIT_STORAGE_URI or REDIS_URL names one.

On SQLite, call count_failure from a read-only view or after the request's commit: the throttle writes
on a connection of its own, and SQLite has one writer at a time.

The address is the client's as the portal sees it: behind a reverse proxy that is the proxy's own,
shared by every citizen, unless SLRT_PROXY_COUNT says how many proxies to trust. A request that
arrives with forwarding headers the portal is not told to trust is logged once as a warning."""
from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from limits import parse

from slrt.core import throttle_storage  # noqa: F401  (registers the slrt-database:// storage scheme)
from slrt.extensions import db, limiter

FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


def _identifiers(scope: str, key: str) -> tuple[str, str, str]:
    # the prefix keeps two portals that share one Redis apart
    return current_app.config.get("RATELIMIT_KEY_PREFIX") or "slrt", scope, key


def per_address(config_key: str, scope: str):
    return parse(current_app.config[config_key]), scope, request.remote_addr or "unknown"


def per_key(config_key: str, scope: str, key: str):
    return parse(current_app.config[config_key]), scope, key


def blocked(checks) -> bool:
    return any(not limiter.limiter.test(limit, *_identifiers(scope, key)) for limit, scope, key in checks)


def count_failure(checks) -> bool:
    """Count a failure against every check; False when one of them was already full. Requests running at
    the same time can all pass `blocked`: the caller answers such a failure as throttled, so a limit of N
    gives exactly N failure answers however many workers race."""
    _end_read_only_transaction()
    return all([limiter.limiter.hit(limit, *_identifiers(scope, key)) for limit, scope, key in checks])


def _end_read_only_transaction() -> None:
    """A read-only view has nothing to commit: end its transaction before the throttle writes on its own
    connection. (A fresh session never holds SQLite's write lock in such a view; a session that outlives
    one request, as in the tests, where one app context serves many, may still hold an earlier one's.)"""
    if (has_request_context() and g.get("sqlite_read_only") and db.engine.dialect.name == "sqlite"
            and db.session().in_transaction()):
        db.session.commit()


def init_app(app: Flask) -> None:
    if not app.config.get("SLRT_PROXY_COUNT"):
        app.before_request(_warn_untrusted_forwarding)


def _warn_untrusted_forwarding() -> None:
    """Once per process: forwarding headers arrive while SLRT_PROXY_COUNT is 0 (only their names are
    logged, never the addresses)."""
    if current_app.extensions.get("slrt_proxy_warned"):
        return
    present = [name for name in FORWARDING_HEADERS if name in request.headers]
    if present:
        current_app.extensions["slrt_proxy_warned"] = True
        current_app.logger.warning(
            "Requests arrive with %s but SLRT_PROXY_COUNT is 0: every client behind the proxy shares its "
            "address, so one person's failed attempts throttle the status page and the login for everyone. "
            "Behind one reverse proxy set SLRT_PROXY_COUNT=1 (see README, Deployment).", ", ".join(present))
