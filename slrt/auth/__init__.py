"""Accounts, sign-in, the second factor and the role predicates."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.auth import commands, labels, permissions, routes, second_factor_routes  # noqa: F401  (views on bp)
    from slrt.auth.models import Role
    from slrt.auth.session import init_login
    from slrt.core import permissions as can_registry
    from slrt.extensions import login_manager

    init_login(app, login_manager)
    labels.register()
    app.register_blueprint(routes.bp)
    app.cli.add_command(commands.users_cli)
    can_registry.register(app, permissions)
    app.jinja_env.globals.update(Role=Role)
