from flask import Blueprint
from flask_login import current_user
from sqlalchemy import select

from slrt.auth.permissions import permission_required
from slrt.core.db import read_only
from slrt.core.pagination import page_number, paginate
from slrt.core.htmx import render_page_or_partial
from slrt.extensions import db
from slrt.lapor.models import LaporReport, LaporStatus
from slrt.lapor.permissions import can_read_lapor

bp = Blueprint("lapor", __name__, url_prefix="/lapor", cli_group="lapor")

PAGE_SIZE = 50


@bp.route("/")
@read_only
@permission_required(can_read_lapor)
def index():
    """The complaints pulled from SP4N-LAPOR!, newest first; those LAPOR! sent without usable data first."""
    from slrt.cases.models import Case
    from slrt.cases.scoping import scope_cases
    result = paginate(select(LaporReport), page_number(), PAGE_SIZE,
                      (LaporReport.status != LaporStatus.NEEDS_DATA), LaporReport.dispositioned_on.desc(),
                      LaporReport.id.desc())
    ids = [r.case_id for r in result.rows if r.case_id is not None]
    visible = set(db.session.scalars(scope_cases(select(Case.id), current_user).where(Case.id.in_(ids)))) if ids else set()
    return render_page_or_partial("lapor/index.html", "lapor/_rows.html", rows=result.rows, visible=visible,
                                  total=result.total, page=result.page, pages=result.pages)
