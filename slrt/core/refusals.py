"""One way to answer a refused action, for the whole portal: the page of the form comes back with what the
user typed and the message next to the field it is about (above the form when it names none), with status
422 (200 for htmx, which does not swap an error answer); nothing the action began is kept.

Views call `refuse(page, form, error)` where they used to flash the message and redirect away from the form,
which lost what was typed: a sign-off note, an agency's outcome, a closure summary.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import make_response

from slrt.core.errors import DomainError
from slrt.core.htmx import wants_partial
from slrt.extensions import db


def put_on_form(form, error: DomainError) -> None:
    """The domain's message next to the field it names; on the form as a whole (`form.form_errors`) when it
    names none or a field this form does not have."""
    message = str(error.message)
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors") and error.field in form:
        field.errors = list(field.errors) + [message]
    else:
        form.form_errors.append(message)


def refuse(page: Callable[[], object], form=None, error: DomainError | None = None, status: int = 422):
    """Roll back what the refused action began (its one-time form id too, so the corrected form can be sent),
    put `error` on `form`, and answer with `page()`: the page that shows `form` again, rendered afresh.
    `status` 409 says the record changed meanwhile (an edit that would overwrite someone else's)."""
    db.session.rollback()
    if form is not None and error is not None:
        put_on_form(form, error)
    body = page()
    if isinstance(body, tuple):  # a view's (body, status): the refusal decides the status
        body = body[0]
    response = make_response(body, 200 if wants_partial() else status)
    response.headers.add("Vary", "HX-Request")
    return response
