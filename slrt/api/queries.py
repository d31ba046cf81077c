"""Loading API clients for the administrator (with the permission check and, for a change, the row lock)."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from slrt.api.models import ApiClient
from slrt.api.permissions import can_manage_api_clients
from slrt.auth.permissions import require
from slrt.core.db import lock_row
from slrt.extensions import db
from slrt.regions.models import region_prefix_match


def visible_clients():
    """The clients whose region lies under the administrator's region."""
    return (select(ApiClient).where(region_prefix_match(ApiClient.region_code, current_user.region_code))
            .order_by(ApiClient.status, ApiClient.name))


def load_client(client_id: int, *, lock: bool = False) -> ApiClient:
    """The client, for an administrator of its region; 404 otherwise."""
    require(can_manage_api_clients)
    if lock:
        lock_row(ApiClient, client_id)
    client = db.session.scalar(visible_clients().where(ApiClient.id == client_id)
                               .execution_options(populate_existing=lock))
    if client is None:
        abort(404)
    return client
