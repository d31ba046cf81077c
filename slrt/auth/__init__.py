"""Accounts, sign-in, the second factor and the role predicates."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.auth import commands, labels, routes, second_factor_routes  # noqa: F401  (views on bp, labels)

    app.register_blueprint(routes.bp)
