"""The case page's home-visit panel: the visits on the case and, for the back office, the forms to send a
facilitator and to call a visit off. A facilitator sees only their own visit there."""
from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_login import current_user

from slrt.core.labels import LABELS
from slrt.core.time import local_today
from slrt.visits import queries
from slrt.visits.forms import AssignVisitForm, CancelVisitForm
from slrt.visits.models import HOUSING, VisitStatus
from slrt.visits.permissions import can_assign_visit, can_cancel_visit, can_view_visit


def housing_choices() -> dict[str, list]:
    return {aspect: [("", _("— tidak dicatat —"))] + [(code, LABELS.label(f"Housing.{aspect}", code))
                                                       for code in codes]
            for aspect, codes in HOUSING.items()}


def assign_form_for(case, form: AssignVisitForm) -> AssignVisitForm:
    form.facilitator.choices = [("", _("— pilih fasilitator —"))] + [
        (u.id, f"{u.full_name} ({u.region.name if u.region else u.region_code})")
        for u in queries.facilitators_for(case)]
    return form


def case_panel(case, user) -> dict | None:
    """The case page's home-visit panel (registered in slrt.core.panels): the visits the user may see, and the
    forms to send a facilitator or cancel a visit. None when there is nothing to show."""
    panel = visit_panel(case)
    return panel if panel["visits"] or panel["can_assign"] else None


def visit_panel(case) -> dict:
    """The visits of a case and their forms, as the user may see them."""
    visits = [v for v in queries.visits_of(case) if can_view_visit(current_user, v)]
    panel = {"visits": visits, "today": local_today(), "can_assign": can_assign_visit(current_user, case)}
    if panel["can_assign"]:
        form = getattr(g, "visit_assign_form", None)
        if form is None:
            form = AssignVisitForm(formdata=None)
        panel["assign_form"] = assign_form_for(case, form)
    refused = getattr(g, "visit_cancel_forms", {})
    panel["cancel_forms"] = {v.id: refused.get(v.id) or CancelVisitForm(formdata=None) for v in visits
                             if v.status == VisitStatus.ASSIGNED and can_cancel_visit(current_user, v)}
    return panel
