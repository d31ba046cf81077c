from flask import Blueprint, request, url_for
from flask_login import login_required

from slrt.core.db import read_only
from slrt.core.htmx import render_fragment_or_redirect
from slrt.regions.operations import children

bp = Blueprint("regions", __name__, url_prefix="/wilayah")


@bp.route("/desa")
@login_required
@read_only
def villages():
    """Options of the desa/kelurahan select for the chosen kecamatan (the cascading select's endpoint)."""
    code = (request.args.get("kecamatan") or "").strip()
    rows = children(code) if code.count(".") == 2 and len(code) == 8 else []
    placeholder = request.args.get("placeholder", "pilih")
    return render_fragment_or_redirect("regions/_village_options.html", url_for("shell.home"), villages=rows,
                                       placeholder=placeholder)
