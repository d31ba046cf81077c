"""The parts that compose the app from its features: each role's home page, the main menu, the demo seed.
It stands on the features; no feature's code depends on it except to register its menu entries."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.core import permissions as can_registry
    from slrt.shell import commands, nav, permissions, routes

    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    commands.register(app)
    app.jinja_env.globals.update(nav_items=nav.items_for)
