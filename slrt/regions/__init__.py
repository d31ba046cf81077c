from flask import Blueprint

bp = Blueprint("regions", __name__, url_prefix="/wilayah")

from slrt.regions import commands, routes  # noqa: E402,F401
