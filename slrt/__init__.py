"""The SLRT portal. create_app is a table of contents of register_* calls."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from slrt.config import Config


class Portal(Flask):
    """Flask, with one documented override."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sync_functions: dict = {}

    def ensure_sync(self, func):
        """Flask asks, for each of a request's hooks and its view (some 15 a request), whether the function is
        a coroutine function (`inspect.iscoroutinefunction`). A function stays what it is: each is asked once
        per process and the answer kept (a bound method as its function and object). 3% of a small page."""
        known = self._sync_functions.get(func)
        if known is None:
            known = self._sync_functions[func] = super().ensure_sync(func)
        return known


def create_app(config: Config | None = None) -> Flask:
    app = Portal(__name__, template_folder="../templates", static_folder="../static",
                 instance_relative_config=False)
    app.config.from_object(config or Config())
    register_compression(app)  # first registered, so its after-request hook runs last
    register_extensions(app)
    register_features(app)
    register_logging(app)
    return app


def register_compression(app: Flask) -> None:
    from slrt.core import compression
    compression.init_app(app)


def register_extensions(app: Flask) -> None:
    from slrt.core import db as dbsetup
    from slrt.extensions import REPORTS_BIND, babel, csrf, db, limiter, migrate

    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dbsetup.engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config.get("SLRT_REPORTS_DATABASE_URL"):
        url = app.config["SLRT_REPORTS_DATABASE_URL"]
        app.config["SQLALCHEMY_BINDS"] = {REPORTS_BIND: {"url": url, **dbsetup.engine_options(url)}}
    if app.config.get("SLRT_PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = app.config["SLRT_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    from slrt.core import throttle
    throttle.init_app(app)  # registers the database storage scheme, then binds Flask-Limiter
    limiter.init_app(app)
    # The portal sets no default or blueprint limits: its route limits (the second factor's) are decorators,
    # which check themselves, and the public lookups' and logins' throttles call `limiter.limiter` directly.
    # Flask-Limiter's per-request hook would only look for limits on every page, fragment and file.
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    from slrt.core.i18n import select_locale, select_timezone
    # One catalogue per feature (slrt/<feature>/translations), relative to the package folder.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        sorted(str(p.relative_to(app.root_path)) for p in Path(app.root_path).glob("*/translations")))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)


def import_models() -> None:
    """Every feature's models, so metadata (and Alembic) sees the whole schema."""
    from slrt.admin import models as _admin  # noqa: F401
    from slrt.api import models as _api  # noqa: F401
    from slrt.attachments import models as _attachments  # noqa: F401
    from slrt.audit import models as _audit  # noqa: F401
    from slrt.auth import models as _auth  # noqa: F401
    from slrt.cases import models as _cases  # noqa: F401
    from slrt.core import throttle_storage as _throttle  # noqa: F401
    from slrt.deadlines import models as _deadlines  # noqa: F401
    from slrt.field import models as _field  # noqa: F401
    from slrt.intake import models as _intake  # noqa: F401
    from slrt.lapor import models as _lapor  # noqa: F401
    from slrt.notifications import models as _notifications  # noqa: F401
    from slrt.planning import models as _planning  # noqa: F401
    from slrt.privacy import models as _privacy  # noqa: F401
    from slrt.referrals import models as _referrals  # noqa: F401
    from slrt.regions import models as _regions  # noqa: F401
    from slrt.registry import models as _registry  # noqa: F401
    from slrt.reports import models as _reports  # noqa: F401
    from slrt.rollup import models as _rollup  # noqa: F401
    from slrt.submissions import models as _submissions  # noqa: F401
    from slrt.visits import models as _visits  # noqa: F401
    from slrt.webhooks import models as _webhooks  # noqa: F401
    from slrt.whatsapp import models as _whatsapp  # noqa: F401


def register_features(app: Flask) -> None:
    """Each feature wires itself in: its blueprint, commands, labels, menu entries, template globals, hooks."""
    from slrt import (admin, api, attachments, auth, cases, core, deadlines, field, handling, intake, lapor,
                      maintenance, notifications, planning, privacy, public, referrals, regions, registry, reports,
                      rollup, search, shell, submissions, visits, wallboard, webhooks, whatsapp)

    for feature in (core, auth, intake, cases, handling, public, admin, regions, deadlines, notifications, referrals,
                    registry, reports, planning, search, attachments, submissions, maintenance, privacy, visits, field,
                    api, webhooks, wallboard, whatsapp, lapor, rollup, shell):
        feature.init_app(app)


def register_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
