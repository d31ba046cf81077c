"""POSTs protected by where they come from instead of a session token: for forms a visitor uses without
an account (the status lookup, the language switch).

A session CSRF token on such a form meant a session and a cookie for every citizen who opened the
receipt's QR code, a token signed into every page, and pages that could never be kept ready-made: the
status page is the busiest public page. These two forms change nothing a forger could want (a lookup
counted against the throttle, the interface language), and the browser already says where a form came
from: `Sec-Fetch-Site` (every current browser) and `Origin` (every browser on a POST since 2020). A POST
that another site made the browser send is refused with the same page as a missing token; a request
with neither header comes from no browser (a script, a test client), which a token would not stop
either. The same rule as Go's `net/http.CrossOriginProtection` and Django's Origin check. No library
does this for Flask: Flask-WTF checks tokens (and the Referer only over HTTPS).

Every other POST keeps Flask-WTF's token.
"""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import request
from flask_wtf.csrf import CSRFError

from slrt.extensions import csrf

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def cross_site() -> bool:
    """The browser says another site sent this request."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site not in ("same-origin", "none")  # "none": typed or bookmarked by the user
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    if origin == "null":  # a sandboxed frame or a privacy-stripped origin: cannot be ours
        return True
    return urlsplit(origin).netloc.lower() != request.host.lower()


def same_origin_post(view):
    """A view whose POST needs no session token, only to come from this site (see the module docstring)."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if request.method not in _SAFE_METHODS and cross_site():
            raise CSRFError("cross-site POST")
        return view(*args, **kwargs)

    return csrf.exempt(guarded)
