from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/kasus")

from slrt.cases import labels, routes  # noqa: E402,F401
