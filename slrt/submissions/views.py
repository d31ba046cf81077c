"""What a view does with a posted form id: claim it before the change, name the result page after it."""
from __future__ import annotations

from functools import wraps

from flask import abort, flash, g, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from slrt.core.htmx import wants_partial
from slrt.core.web import FormExpired, safe_local_url
from slrt.extensions import db
from slrt.submissions import operations


def posted_form_id() -> str | None:
    """The post's form id; None for a client that sends none (a script, an old page). A malformed one is a 400."""
    value = request.form.get("form_id", "")
    if not value:
        return None
    if not operations.FORM_ID.match(value):
        abort(400)
    return value


def once(view):
    """A view whose form is carried out once: a post of a form id already carried out shows the first result,
    before anything else is checked (the first post may have moved the record past what this form expects).
    Every page of such a form carries a form id, so a browser's post without one comes from an old page or a
    script: it is refused (400, "reload the page") rather than carried out unguarded."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method == "POST":
            form_id = posted_form_id()
            if form_id is None and not _from_an_api_client():
                raise FormExpired()
            earlier = operations.earlier_submission(form_id) if form_id else None
            if earlier is not None:
                return _repeat(earlier)
        return view(*args, **kwargs)

    wrapper.carried_out_once = True  # read by the tests' client, which sends a form id as the pages do
    return wrapper


def _from_an_api_client() -> bool:
    """An API client's call (its bearer token, its JSON), which has no page to carry a form id."""
    return "Authorization" in request.headers or request.is_json


def claim_once():
    """Claim this post's form id in the current transaction, right before the change it asks for.

    Returns None when the change may go ahead, or the response for a repeat that arrived while the first post
    was still running. A change that fails afterwards is rolled back with the claim, so the form can be
    corrected and sent again."""
    form_id = posted_form_id()
    if form_id is None:
        return None
    earlier = operations.claim(form_id, current_user, request.endpoint or "")
    if earlier is None:
        g.claimed_form_id = form_id
        return None
    return _repeat(earlier)


def _repeat(earlier):
    """The answer to a repeated form: the first result, with a message; nothing changed."""
    db.session.rollback()  # whatever this request loaded or locked before it knew
    if earlier.user_id != current_user.id:
        abort(400)
    flash(_("Formulir ini sudah dikirim. Yang tampil adalah hasil pengiriman pertama; tidak ada yang diubah "
            "lagi."), "info")
    url = safe_local_url(earlier.result_url) or url_for("shell.home")
    if wants_partial():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
    else:
        response = redirect(url, code=303)
    response.headers.add("Vary", "HX-Request")
    return response


def result_at(url: str) -> None:
    """This post's result is shown at `url`: a repeat of the form is sent there. Call before the commit."""
    form_id = g.pop("claimed_form_id", None)
    if form_id is not None:
        operations.record_result(form_id, url)
