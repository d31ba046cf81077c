"""The public API (/api/v1) for other systems, and the administrator's pages for its clients."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.api import auth, client_routes, labels, permissions, routes
    from slrt.api.models import ApiClientStatus, ApiPermission
    from slrt.core import permissions as can_registry
    from slrt.extensions import csrf
    from slrt.shell import nav

    labels.register()
    # The API reads no cookie: a token in the Authorization header is what a forged request cannot send.
    csrf.exempt(routes.bp)
    app.register_blueprint(routes.bp)
    app.register_blueprint(client_routes.clients_bp)
    auth.init_app(app)
    can_registry.register(app, permissions)
    nav.register(89, "api_clients.index", _l("Klien API"), permissions.can_manage_api_clients, nav.MenuGroup.ADMIN)
    app.jinja_env.globals.update(ApiClientStatus=ApiClientStatus, ApiPermission=ApiPermission)
