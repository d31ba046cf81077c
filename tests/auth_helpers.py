"""Helpers of the tests about accounts and access: the roles, a client per user, the login redirect."""
from __future__ import annotations

from tests.conftest import log_in

ROLES = ("front_office", "puskesos_operator", "back_office", "supervisor", "agency_liaison", "facilitator",
         "admin", "provincial_officer")


def client_for(app, make_user, role: str, **kwargs):
    """A separate logged-in test client for a new user of `role`."""
    user = make_user(role, **kwargs)
    client = app.test_client()
    response = log_in(client, user.username)
    assert response.status_code == 303, response.data[:300]
    return client, user


def is_login_redirect(response) -> bool:
    return response.status_code in (302, 303) and "/masuk" in response.headers.get("Location", "")
