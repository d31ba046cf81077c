"""Who sees what in the shell: the counts of waiting work in the menu."""
from __future__ import annotations


def can_see_waiting(user) -> bool:
    """The menu shows counts of waiting work (sign-off, returned drafts, late answers, the agency's inbox) to
    the roles that have such work: the back office, the signer, the supervisor and the agency liaison."""
    from slrt.shell.queries import has_waiting_counts
    return bool(getattr(user, "is_authenticated", False)) and has_waiting_counts(user)
