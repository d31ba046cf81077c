"""Each role's home: where its work is, with counts and the first items; the menu's waiting counts."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from slrt.auth.models import Role
from slrt.auth.permissions import permission_required
from slrt.core.db import read_only
from slrt.core.htmx import render_fragment_or_redirect
from slrt.core.time import local_today
from slrt.referrals.permissions import can_sign_off_any
from slrt.shell import queries
from slrt.shell.permissions import can_see_waiting

bp = Blueprint("shell", __name__)


@bp.route("/")
@login_required
@read_only
def home():
    """Each role lands on its work: a home page with counts and the first items, or the page that is its work."""
    role = Role(current_user.role)
    today = local_today()
    if role is Role.FACILITATOR:
        return redirect(url_for("visits.mine"))
    if role is Role.PROVINCIAL_OFFICER:
        return redirect(url_for("reports.dashboard"))
    context: dict = {"today": today}
    if role is Role.AGENCY_LIAISON:
        if current_user.agency_id is not None:
            context.update(queries.agency_inbox(current_user, today))
    elif role in (Role.FRONT_OFFICE, Role.PUSKESOS_OPERATOR):
        context.update(queries.counter_today(current_user, today))
    elif role is Role.ADMIN:
        context.update(queries.admin_attention())
    else:
        if can_sign_off_any(current_user):
            context.update(queries.signoff_queue(current_user, today))
        if role is Role.BACK_OFFICE or not can_sign_off_any(current_user):
            context.update(queries.back_office_work(current_user))
    return render_template("shell/home.html", role=role, **context)


@bp.route("/menunggu")
@permission_required(can_see_waiting)
@read_only
def waiting():
    """The menu's counts of waiting work, refreshed by htmx every minute."""
    return render_fragment_or_redirect("shell/_waiting.html", url_for("shell.home"),
                                       waiting=queries.waiting_counts(current_user, local_today()))
