"""The case page's identity panel: what was given at this visit and, for the back office, the decision."""
from __future__ import annotations


def identity_panel(case) -> dict:
    """For the case page: the identity given at this visit and, for the back office, a pending difference
    from the stored identity with the decision form. Reads only; the page's view commits."""
    from flask import g
    from flask_login import current_user

    from slrt.intake.forms import IdentityReviewForm
    from slrt.intake.models import IdentityReview
    from slrt.intake.operations import identity_differences, members_from_json
    from slrt.intake.permissions import can_review_identity
    identity = getattr(case, "identity", None)
    if identity is None:
        return {}
    panel = {"identity": identity, "pending": identity.review == IdentityReview.PENDING,
             "members": members_from_json(identity.members) if identity.members else None}
    if panel["pending"] and can_review_identity(current_user, case):
        panel["differences"] = identity_differences(case.person, identity)
        panel["form"] = getattr(g, "identity_review_form", None) or IdentityReviewForm(formdata=None)
        panel["versions"] = case.person.versions
    return panel
