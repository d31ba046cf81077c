"""The intake feature's panel on the case page: what was given at this visit and, for the back office, the
decision on a difference from the stored identity (slrt.core.panels)."""
from __future__ import annotations


def identity_panel(case, user) -> dict:
    """The identity given at this visit and, for the back office, a pending difference from the stored
    identity with the decision form and the region names both sides name. Reads only; the page's view commits."""
    from slrt.intake.forms import IdentityReviewForm
    from slrt.intake.models import IdentityReview
    from slrt.intake.operations import identity_differences, members_from_json
    from slrt.intake.permissions import can_review_identity
    from slrt.regions.operations import names_for
    identity = getattr(case, "identity", None)
    if identity is None:
        return {}
    panel = {"identity": identity, "pending": identity.review == IdentityReview.PENDING,
             "members": members_from_json(identity.members) if identity.members else None}
    if panel["pending"] and can_review_identity(user, case):
        panel["differences"] = identity_differences(case.person, identity)
        panel["form"] = IdentityReviewForm(formdata=None)
        panel["versions"] = list(case.person.versions)
        panel["place_names"] = names_for([case.person.region_code, identity.region_code])
    return panel
