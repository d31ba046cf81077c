"""Each role's home: where its work is."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from slrt.auth.models import Role

bp = Blueprint("shell", __name__)


@bp.route("/")
@login_required
def home():
    """Send each role to where its work is."""
    role = Role(current_user.role)
    if role is Role.FACILITATOR:
        return redirect(url_for("visits.mine"))
    if role in (Role.FRONT_OFFICE, Role.PUSKESOS_OPERATOR):
        return redirect(url_for("cases.today"))
    if role in (Role.BACK_OFFICE, Role.SUPERVISOR):
        return redirect(url_for("cases.index"))
    if role is Role.ADMIN:
        return redirect(url_for("admin.users"))
    return render_template("shell/home.html")
