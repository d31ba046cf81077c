"""One helper decides "partial or full page"."""
from __future__ import annotations

from flask import make_response, render_template, request


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
