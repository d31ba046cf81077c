"""Templates only read: the case page and the person page render with the database session closed once the
view has built its context (any query from a template, a Jinja global or a lazy load fails), and no Jinja
global or filter is a function that reaches the database."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from types import SimpleNamespace

import pytest
from flask import before_render_template, template_rendered
from sqlalchemy import event
from sqlalchemy.engine import Engine

from slrt.extensions import db
from slrt.referrals.models import ReferralStatus
from tests.conftest import log_in
from tests.referrals_helpers import referral_in
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


class TemplateQueried(AssertionError):
    pass


def _refuse(*_args, **_kwargs):
    raise TemplateQueried("a template (or a Jinja global) ran a query")


@contextmanager
def session_closed_while_rendering(app):
    """From the moment the view hands its context to the template until the template is rendered: the
    session is closed (its objects detached, so a lazy load fails) and any SQL statement raises."""
    rendered = []

    def close(_app, template, context, **_extra):
        db.session.close()
        event.listen(Engine, "before_cursor_execute", _refuse)

    def reopen(_app, template, context, **_extra):
        event.remove(Engine, "before_cursor_execute", _refuse)
        rendered.append(template.name)

    before_render_template.connect(close, app)
    template_rendered.connect(reopen, app)
    try:
        yield rendered
    finally:
        before_render_template.disconnect(close, app)
        template_rendered.disconnect(reopen, app)
        if event.contains(Engine, "before_cursor_execute", _refuse):
            event.remove(Engine, "before_cursor_execute", _refuse)


@pytest.fixture
def world(app, make_user, make_case, places, tmp_path):
    """A person of the registry extract with a case that has referrals, an assessment, a direct answer, and a
    second visit where they gave another name (an identity for the back office to review)."""
    from slrt.handling import operations as handling
    from tests.registry_helpers import family, import_file, write_csv
    rows, niks, _number = family(places, decile="2")
    import_file(write_csv(tmp_path / "dtsen.csv", rows))
    officer, signer = make_user("back_office", username="bo"), make_user("supervisor", username="spv")
    case = make_case(nik=niks[1], name="EUIS MARLINA", birth_date=date(1983, 7, 9))
    referral_in(ReferralStatus.COMPLETED, case, officer, signer)
    referral_in(ReferralStatus.APPROVED, case, officer, signer)
    handling.record_assessment(case, officer, "Rumah bocor", date(2026, 11, 20), None)
    db.session.commit()
    second = make_case(nik=niks[1], name="EUIS MARLINAWATI", birth_date=date(1983, 7, 9))
    return {"case": case.id, "person": case.person_id, "fresh": make_case().id, "second": second.id}


@pytest.mark.parametrize("role", ["back_office", "supervisor", "front_office"])
def test_the_case_page_renders_from_its_context_alone(app, client, make_user, world, role):
    user = make_user(role)
    log_in(client, user.username)
    for case_id in (world["case"], world["fresh"], world["second"]):
        with session_closed_while_rendering(app) as rendered:
            response = client.get(f"/kasus/{case_id}")
        assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
        assert rendered == ["cases/detail.html"]
        page = response.get_data(as_text=True)
        assert "Penanganan" in page and "Riwayat" in page
        if case_id != world["fresh"]:
            assert "ASEP SURYANA" in page  # the registry panel shows the household


def test_the_case_page_still_audits_its_view(app, client, login_as, world):
    from slrt.audit.models import AuditLog
    login_as("back_office")
    before = db.session.scalar(db.select(db.func.count()).select_from(AuditLog).where(AuditLog.action == "person.view"))
    client.get(f"/kasus/{world['case']}")
    after = db.session.scalar(db.select(db.func.count()).select_from(AuditLog).where(AuditLog.action == "person.view"))
    assert after == before + 1


@pytest.mark.parametrize("role", ["back_office", "supervisor"])
def test_the_person_page_renders_from_its_context_alone(app, client, make_user, world, role):
    user = make_user(role)
    log_in(client, user.username)
    with session_closed_while_rendering(app) as rendered:
        response = client.get(f"/warga/{world['person']}")
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    assert rendered == ["search/person.html"]
    assert "DTSEN" in response.get_data(as_text=True)


def test_a_template_query_fails_the_check(app, client, login_as, world):
    """The check above can fail: a global that queries, used by a template, is caught."""
    from slrt.intake.models import Person
    login_as("back_office")
    app.jinja_env.globals["count_people"] = lambda: db.session.scalar(db.select(db.func.count(Person.id)))
    app.jinja_env.from_string("{{ count_people() }}")  # compiles; the failure is at render time
    with app.test_request_context(), session_closed_while_rendering(app):
        from flask import render_template_string
        with pytest.raises(TemplateQueried):
            render_template_string("{{ count_people() }}")


def _sample_calls(referral, today):
    """Every callable Jinja global and filter of the portal, with the arguments a template gives it. A new
    one has to be added here, and passes only if it answers without the database."""
    from datetime import datetime

    from slrt.cases.models import CaseStatus
    case = referral.case
    return {
        "can": [("register",), ("lookup_registry",), ("list_cases",), ("sign_off_any",), ("view_case", case),
                ("handle_case", case), ("assign_case", case), ("sign_off", referral), ("respond", referral),
                ("edit_referral", referral), ("print_letter", referral)],
        "label": [(CaseStatus, "registered"), ("Sex", "P")],
        "list_url": [({"status": "late"},), ({},)],
        "mask_phone": [("081234567890",)],
        "new_form_id": [()],
        "referral_due": [(referral,)], "referral_late": [(referral, today)], "referral_step": [(referral,)],
        "long_date": [(today,), (None,)], "long_datetime": [(datetime(2026, 11, 23, 9, 30),)],
        "short_date": [(today,)], "mask_nik": [("3204054512900001",)],
        "name_in": [("32.04", {"32.04": "Bandung"}), (None, {})], "thousands": [(12345,), (None,)],
        "change_field_label": [("name",), ("complaint_description.2",)], "letterhead_prompt": [()],
        "plan_targets": [(SimpleNamespace(status="planned"),)],
    }


def test_no_jinja_global_or_filter_touches_the_database(app, make_user, make_case):
    import inspect

    from flask_login import login_user
    officer, signer = make_user("back_office"), make_user("supervisor")
    referral = referral_in(ReferralStatus.APPROVED, make_case(), officer, signer)
    today = date(2026, 11, 30)
    samples = _sample_calls(referral, today)
    ours = {name: value for table in (app.jinja_env.globals, app.jinja_env.filters)
            for name, value in table.items()
            if callable(value) and not inspect.isclass(value) and (getattr(value, "__module__", "") or "").startswith("slrt.")}
    assert set(ours) == set(samples), "add the new global or filter to _sample_calls (and keep it off the database)"
    with app.test_request_context():
        login_user(signer)
        app.update_template_context({})  # what render_template does first: the context processors load their data
        db.session.close()
        event.listen(Engine, "before_cursor_execute", _refuse)
        try:
            for name, calls in samples.items():
                for args in calls:
                    ours[name](*args)
        finally:
            event.remove(Engine, "before_cursor_execute", _refuse)

