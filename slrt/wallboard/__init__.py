"""The command-centre wallboard (pusat komando): the district's figures in large type on a wall screen,
refreshed by htmx every minute, with no personal data."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import permissions as can_registry
    from slrt.shell import nav
    from slrt.wallboard import permissions, routes

    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    nav.register(66, "wallboard.board", _l("Pusat komando"), permissions.can_view_wallboard, nav.MenuGroup.REPORTS)
