"""Accounts, sign-in, the second factor and the role predicates."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.auth import commands, labels, routes, second_factor_routes  # noqa: F401  (views on bp, labels)

    from slrt.auth import permissions
    from slrt.auth.models import Role

    app.register_blueprint(routes.bp)
    app.cli.add_command(commands.users_cli)
    app.jinja_env.globals.update(Role=Role, can=permissions)
