"""Find anything: the staff search box (ticket, NIK, No. KK, phone, name) and a person's page."""
from flask import Blueprint

bp = Blueprint("search", __name__)

from slrt.search import routes  # noqa: E402,F401
