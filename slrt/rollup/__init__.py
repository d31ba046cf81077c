"""Signed monthly aggregate files: a district that keeps its own server sends the province its month in counts
(no personal data), signed with its Ed25519 key; the province checks the signature and shows the districts side
by side."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import permissions as can_registry
    from slrt.rollup import commands, permissions, routes
    from slrt.shell import nav

    app.register_blueprint(routes.bp)
    app.cli.add_command(commands.rollup_cli)
    can_registry.register(app, permissions)
    nav.register(88, "rollup.index", _l("Kiriman Kabupaten"), permissions.can_view_rollups, nav.MenuGroup.REPORTS)
