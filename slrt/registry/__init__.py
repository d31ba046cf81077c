"""The DTKS/DTSEN welfare registry: the district's extract, lookups, suggestions and proposals."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import panels
    from slrt.core import permissions as can_registry
    from slrt.registry import commands, labels, permissions, regsosek, routes
    from slrt.registry import meeting_routes, survey_routes  # noqa: F401  (views on routes.bp)
    from slrt.registry.models import (ChangeKind, ImportStatus, MeetingDecision, MeetingStatus, ProposalKind,
                                      ProposalStatus)
    from slrt.registry.permissions import can_list_proposals, can_lookup_registry, can_view_imports
    from slrt.registry.views_support import case_panel, intake_lookup_panel, nik_check_panel, person_panel
    from slrt.shell import nav

    app.register_blueprint(routes.bp)
    commands.register(app)
    labels.register()
    can_registry.register(app, permissions)
    nav.register(40, "registry.index", _l("Cek DTSEN"), can_lookup_registry, nav.MenuGroup.REGISTRY)
    nav.register(45, "registry.proposals", _l("Usulan DTSEN"), can_list_proposals, nav.MenuGroup.REGISTRY)
    nav.register(90, "registry.imports", _l("Impor DTSEN"), can_view_imports, nav.MenuGroup.REGISTRY)
    app.jinja_env.globals.update(
        ImportStatus=ImportStatus, ProposalStatus=ProposalStatus, ChangeKind=ChangeKind,
        ProposalKind=ProposalKind, MeetingStatus=MeetingStatus, MeetingDecision=MeetingDecision, regsosek=regsosek)
    panels.register(app, "case", "registry", 30, "registry/_panel.html", case_panel)
    panels.register(app, "person", "registry", 10, "registry/_panel.html", person_panel)
    panels.register(app, "intake", "registry", 10, "registry/_intake_lookup.html", intake_lookup_panel)
    panels.register(app, "nik_check", "registry", 10, "registry/_nik_household.html", nik_check_panel)
    from slrt.core.uploads import install_session_hooks
    from slrt.privacy.operations import register_retention_task
    from slrt.registry.retention import retention_tasks
    for task in retention_tasks():  # ended proposals without a case, unneeded surveys, old signed minutes
        register_retention_task(task)
    install_session_hooks()  # the minutes' files are deleted only once the run has committed
    from slrt.core import orphans
    from slrt.core.uploads import KINDS
    from slrt.registry.retention import extract_names, import_running, minutes_file_names
    orphans.register("registry.minutes", KINDS["document"].folder, minutes_file_names)
    orphans.register("registry.extracts", KINDS["registry"].folder, extract_names, busy=import_running)
