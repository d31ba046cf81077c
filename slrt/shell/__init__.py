"""The parts that compose the app from its features: each role's home page, the main menu, the demo seed.
It stands on the features; no feature's code depends on it except to register its menu entries."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.core import permissions as can_registry
    from slrt.core.labels import LABELS
    from slrt.shell import commands, nav, permissions, routes

    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    commands.register(app)
    LABELS.register(nav.MenuGroup, nav.GROUP_LABELS)

    @app.context_processor
    def menu():
        """The menu as data (the user's entries), worked out before the template renders: templates only read."""
        from flask import has_request_context
        from flask_login import current_user
        return {"nav_groups": nav.groups_for(current_user) if has_request_context() else []}
