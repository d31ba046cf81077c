"""Throttling of failed public lookups (ticket status, letter verification).

Only failures count, so a citizen who types the right ticket is never slowed down; a check is
(limit, scope, key), e.g. 10 failures per 10 minutes per address. Storage is Flask-Limiter's
(memory, or Redis when several app nodes share the load)."""
from __future__ import annotations

from flask import current_app, request
from limits import parse

from slrt.extensions import limiter


def per_address(config_key: str, scope: str):
    return parse(current_app.config[config_key]), scope, request.remote_addr or "unknown"


def per_key(config_key: str, scope: str, key: str):
    return parse(current_app.config[config_key]), scope, key


def blocked(checks) -> bool:
    return any(not limiter.limiter.test(limit, scope, key) for limit, scope, key in checks)


def count_failure(checks) -> None:
    for limit, scope, key in checks:
        limiter.limiter.hit(limit, scope, key)
