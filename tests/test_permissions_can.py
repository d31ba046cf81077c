"""One `can` interface for templates (issue 9): every feature's predicates under one name each, case
predicates with the cases, and no template reaching for a feature's private dict of predicates."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_login import login_user

from slrt.core import permissions

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_every_can_in_a_template_names_a_registered_predicate(app):
    used = set()
    for path in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r"\bcan\('([a-z_]+)'", path.read_text(encoding="utf-8")))
    assert used, "the templates ask can() nothing: the scan is broken"
    assert used <= permissions.names(app), used - permissions.names(app)


def test_templates_use_no_other_permission_interface(app):
    for name in ("referral_can", "registry_can", "report_can", "can_manage_outbox"):
        assert name not in app.jinja_env.globals, name
    offenders = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")
                 if re.search(r"\b\w*can\.can_|\bcan_\w+\(current_user", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_case_predicates_live_with_cases_and_handling():
    from slrt.auth import permissions as auth
    from slrt.cases import permissions as cases
    from slrt.handling import permissions as handling
    for name in ("can_list_cases", "can_view_case", "can_handle_case"):
        assert hasattr(cases, name) and not hasattr(auth, name), name
    assert hasattr(handling, "can_assign_case") and not hasattr(cases, "can_assign_case")


@pytest.mark.parametrize("role,handles,assigns", [("back_office", True, False), ("supervisor", True, True),
                                                  ("front_office", False, False)])
def test_can_answers_for_the_logged_in_user(app, make_user, make_case, role, handles, assigns):
    case = make_case()
    user = make_user(role)
    with app.test_request_context():
        login_user(user)
        assert permissions.can("view_case", case)
        assert permissions.can("handle_case", case) is handles
        assert permissions.can("assign_case", case) is assigns
        assert permissions.can("register") is (role != "supervisor")


def test_someone_elses_region_is_refused(app, make_user, make_case, places):
    case = make_case()
    stranger = make_user("back_office", region_code=places.other_district_desa[:5])
    with app.test_request_context():
        login_user(stranger)
        assert not permissions.can("view_case", case)
        assert not permissions.can("handle_case", case)


def test_an_unknown_action_fails_loudly(app):
    with app.test_request_context(), pytest.raises(LookupError):
        permissions.can("sing_off")


def test_two_predicates_under_one_name_are_refused(app):
    with pytest.raises(ValueError):
        permissions.register(app, {"view_case": lambda user, case: True})
