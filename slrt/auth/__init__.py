from flask import Blueprint

bp = Blueprint("auth", __name__)

from slrt.auth import commands, labels, routes, second_factor_routes  # noqa: E402,F401


def _register_permissions(state) -> None:
    from slrt.core import permissions as can_registry
    from slrt.auth import permissions
    can_registry.register(state.app, permissions)


bp.record_once(_register_permissions)
