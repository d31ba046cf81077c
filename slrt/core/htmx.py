"""One helper decides "partial or full page"."""
from __future__ import annotations

from flask import make_response, redirect, render_template, request


def wants_partial() -> bool:
    headers = request.headers
    return ("HX-Request" in headers and "HX-Boosted" not in headers
            and "HX-History-Restore-Request" not in headers)


def render_page_or_partial(page_template: str, partial_template: str, **context):
    """Render the partial alone for an htmx swap, else the full page that includes it."""
    template = partial_template if wants_partial() else page_template
    response = make_response(render_template(template, **context))
    response.headers.add("Vary", "HX-Request")
    return response


def render_fragment_or_redirect(partial_template: str, fallback_url: str, **context):
    """A widget's endpoint (NIK check, cascading select, new form row) answers htmx with its fragment.
    A plain request (no JavaScript, a boosted link, a history restore) has no page to put a fragment
    in: it goes to the full page the widget belongs to."""
    if not wants_partial():
        response = redirect(fallback_url, code=303)
    else:
        response = make_response(render_template(partial_template, **context))
    response.headers.add("Vary", "HX-Request")
    return response
