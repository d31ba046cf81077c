"""The DTKS/DTSEN welfare registry: the district's extract, lookups, suggestions and proposals."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import permissions as can_registry
    from slrt.registry import commands, labels, permissions, regsosek, routes
    from slrt.registry import meeting_routes, survey_routes  # noqa: F401  (views on routes.bp)
    from slrt.registry.models import (ChangeKind, ImportStatus, MeetingDecision, MeetingStatus, ProposalKind,
                                      ProposalStatus)
    from slrt.registry.permissions import can_list_proposals, can_lookup_registry, can_view_imports
    from slrt.registry.views_support import case_registry_panel, region_name
    from slrt.shell import nav

    app.register_blueprint(routes.bp)
    commands.register(app)
    labels.register()
    can_registry.register(app, permissions)
    nav.register(40, "registry.index", _l("Cek DTSEN"), can_lookup_registry)
    nav.register(45, "registry.proposals", _l("Usulan DTSEN"), can_list_proposals)
    nav.register(90, "registry.imports", _l("Impor DTSEN"), can_view_imports)
    app.jinja_env.globals.update(
        ImportStatus=ImportStatus, ProposalStatus=ProposalStatus, ChangeKind=ChangeKind,
        ProposalKind=ProposalKind, MeetingStatus=MeetingStatus,
        MeetingDecision=MeetingDecision, regsosek=regsosek, registry_case_panel=case_registry_panel, region_name=region_name)
