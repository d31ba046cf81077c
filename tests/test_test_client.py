"""The test client runs each request as production does: in an application context of its own, with its
own `g` and database session, not in the one the test holds for its own database work."""
from __future__ import annotations

from flask import g

from slrt.extensions import db


def test_a_request_has_its_own_context_g_and_session(app, client):
    seen = {}

    @app.get("/_probe")
    def probe():
        seen.update(marker=g.get("marker"), session=db.session())
        g.from_request = True
        return ""

    g.marker = "the test's"
    assert client.get("/_probe").status_code == 200
    assert seen["marker"] is None and seen["session"] is not db.session()
    assert g.marker == "the test's" and "from_request" not in g  # the test's own context is left alone
    client.get("/_probe")
    assert seen["marker"] is None  # nor does one request's g reach the next
