"""The ground floor every feature stands on: database helpers, forms, htmx, errors, i18n, time, uploads.
It imports no feature."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.core import db, routes, web

    # Before any route: `<int:...>` ids out of range are 404.
    app.url_map.converters["int"] = web.RowIdConverter
    db.install_engine_hooks()
    app.before_request(db.mark_read_only_request)
    app.teardown_request(db.close_light_reads)
    app.register_blueprint(routes.bp)
    web.init_web(app)
