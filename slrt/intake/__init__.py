from flask import Blueprint

bp = Blueprint("intake", __name__, url_prefix="/pendaftaran")

from slrt.intake import routes  # noqa: E402,F401
