from flask import Blueprint

bp = Blueprint("public", __name__)

from slrt.public import routes  # noqa: E402,F401
