from flask import Blueprint

bp = Blueprint("auth", __name__)

from slrt.auth import commands, labels, routes, second_factor_routes  # noqa: E402,F401
