"""Who may see, add and remove attachments: the rules of the record they hang on.

Whoever may view the case may view its attachments; whoever registers or handles cases in its region may add
one (the counter clerk photographs the KTP, the facilitator the house); only whoever handles the case may
remove one. An attachment of a registry proposal without a case follows the proposal's rules.
"""
from __future__ import annotations

from slrt.cases.permissions import can_handle_case, can_view_case
from slrt.intake.permissions import can_register
from slrt.registry.permissions import can_verify_proposal, can_view_proposal


def can_view_attachments_of(user, case=None, proposal=None) -> bool:
    if case is not None:
        return can_view_case(user, case)
    return proposal is not None and can_view_proposal(user, proposal)


def can_add_attachment(user, case=None, proposal=None) -> bool:
    if case is not None:
        return can_handle_case(user, case) or (can_register(user) and can_view_case(user, case))
    return proposal is not None and can_verify_proposal(user, proposal)


def can_remove_attachments_of(user, case=None, proposal=None) -> bool:
    if case is not None:
        return can_handle_case(user, case)
    return proposal is not None and can_verify_proposal(user, proposal)


def can_view_attachment(user, attachment) -> bool:
    """Also the liaison of the agency a signed-off referral went to: the scans sent with it are for them."""
    from slrt.referrals.permissions import is_liaison_of
    return (can_view_attachments_of(user, attachment.case, attachment.proposal)
            or (attachment.referral is not None and is_liaison_of(user, attachment.referral)))


def can_remove_attachment(user, attachment) -> bool:
    return can_remove_attachments_of(user, attachment.case, attachment.proposal)

