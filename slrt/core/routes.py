"""The pages every feature shares: the language switch and the health check."""
from flask import Blueprint, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from slrt.core.db import read_only
from slrt.core.same_origin import same_origin_post
from slrt.extensions import csrf, db

bp = Blueprint("core", __name__)


@bp.route("/bahasa", methods=["POST"])
@same_origin_post  # no session token needed: a visitor on the status page has no session
def set_language():
    """Switch the interface language (Bahasa Indonesia / English)."""
    language = request.form.get("lang", "id")
    if language in current_app.config["LANGUAGES"]:
        session["lang"] = language
    from slrt.core.web import safe_local_url
    target = safe_local_url(request.form.get("next"))
    if target and not _answers_get(target):
        target = None  # switched on a page shown after a POST (e.g. the one-time password): go home
    return redirect(target or url_for("shell.home" if current_user.is_authenticated else "public.status"),
                    code=303)


def _answers_get(target: str) -> bool:
    from urllib.parse import urlsplit
    from werkzeug.exceptions import HTTPException
    try:
        current_app.url_map.bind("localhost").match(urlsplit(target).path, method="GET")
    except HTTPException:
        return False
    return True


def schema_revisions() -> tuple[str | None, str | None]:
    from alembic.script import ScriptDirectory
    directory = current_app.extensions["migrate"].directory
    from alembic.config import Config as AlembicConfig
    config = AlembicConfig()
    config.set_main_option("script_location", directory)
    head = ScriptDirectory.from_config(config).get_current_head()
    try:
        current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        db.session.rollback()
        current = None
    return current, head


@bp.route("/healthz")
@read_only
@csrf.exempt
def healthz():
    """Liveness for monitoring: the database answers, its file is the one opened, the schema is the latest."""
    # Features add their own checks (slrt.maintenance: the SQLite file is still the one opened).
    file_state = next((problem for check in current_app.extensions.get("slrt.health_checks", [])
                       if (problem := check())), None)
    try:
        db.session.execute(text("SELECT 1"))
        database_ok = True
    except Exception:
        db.session.rollback()
        database_ok = False
    current, head = schema_revisions() if database_ok else (None, None)
    up_to_date = database_ok and current == head
    healthy = up_to_date and file_state is None
    body = {"status": "ok" if healthy else "error", "database": "ok" if database_ok else "unreachable",
            "database_file": file_state or "ok",
            "schema": {"current": current, "head": head, "up_to_date": up_to_date}}
    return jsonify(body), (200 if healthy else 503)
