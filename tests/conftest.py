"""Fixtures: a fresh app per test over a schema built once by the migrations.

SQLite (a temporary file, so threads and processes can share it) by default; the database at
SLRT_TEST_DATABASE_URL when SLRT_TEST_DATABASE=external (make test does both when the URL is set).
"""
from __future__ import annotations

import contextvars
import os
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit
from datetime import date

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import delete, exists, inspect, select, text
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from slrt import create_app
from slrt.config import TestConfig
from slrt.extensions import db

PASSWORD = "correct-horse-battery"
DISTRICT = "32.04"
KEEP_TABLES = {"regions", "alembic_version"}


def _external() -> bool:
    return os.environ.get("SLRT_TEST_DATABASE") == "external"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if _external():
        url = os.environ["SLRT_TEST_DATABASE_URL"]
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app(TestConfig(url))
    with app.app_context():
        from flask_migrate import upgrade
        if _external():
            # A clean slate: the schema comes from the migrations, as in production.
            db.session.execute(text("SET FOREIGN_KEY_CHECKS=0"))
            for table in inspect(db.engine).get_table_names():
                db.session.execute(text(f"DROP TABLE IF EXISTS `{table}`"))
            db.session.execute(text("SET FOREIGN_KEY_CHECKS=1"))
            db.session.commit()
        upgrade()
        from slrt.regions.operations import load_regions
        load_regions()
        db.session.commit()
    return url


@dataclass
class Places:
    district: str
    kecamatan: str
    desa: str
    desa2: str          # another desa in the same kecamatan
    other_kecamatan: str
    other_desa: str     # a desa in another kecamatan of the district
    other_district: str
    other_district_desa: str


@pytest.fixture(scope="session")
def places(database_url) -> Places:
    app = create_app(TestConfig(database_url))
    with app.app_context():
        from slrt.regions.operations import children
        kecamatan = children(DISTRICT)
        first, second = kecamatan[0].code, kecamatan[1].code
        villages = children(first)
        other_villages = children(second)
        other_district = "32.73"
        other_district_desa = children(children(other_district)[0].code)[0].code
        return Places(DISTRICT, first, villages[0].code, villages[1].code, second, other_villages[0].code,
                      other_district, other_district_desa)


def _clean(app) -> None:
    """Empty every table a test may have written: one statement asks which hold rows (a test writes to a
    few of some 80), then those are emptied, children first."""
    with app.app_context():
        db.session.rollback()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
        filled = db.session.execute(select(*(exists().select_from(table) for table in tables))).one()
        for table, has_rows in zip(tables, filled):
            if has_rows:
                db.session.execute(delete(table))
        db.session.commit()


class OwnContextClient(FlaskClient):
    """A test client whose requests run as in production: each in an application context of its own, so
    its own `g` and database session, never in the context the test holds for its own database work (where
    `g` would live across requests: Flask-Login's cached user, the read-only flag of the previous view).
    What the test wrote is committed first, as another request's work would be; a streamed body is read
    inside the request's context."""

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        kwargs.setdefault("buffered", True)
        _send_a_form_id(self.application, args, kwargs)
        return contextvars.Context().run(super().open, *args, **kwargs)


def _send_a_form_id(application, args, kwargs) -> None:
    """A form that is carried out once always carries a new form id on its page (submissions.once refuses a
    post without one): a post to such a view gets one here, as the page would give it, unless the test sends
    its own (a repeat) or an empty one (an old page)."""
    if kwargs.get("method") != "POST" or not args or not isinstance(args[0], str) or "json" in kwargs:
        return
    data = kwargs.get("data")
    if data is not None and (not hasattr(data, "keys") or "form_id" in data):
        return
    try:
        endpoint, _args = application.url_map.bind("localhost").match(urlsplit(args[0]).path, method="POST")
    except HTTPException:
        return
    if getattr(application.view_functions[endpoint], "carried_out_once", False):
        form_id = uuid.uuid4().hex
        if isinstance(data, MultiDict):
            data = data.copy()
            data["form_id"] = form_id
        else:
            data = {**(data or {}), "form_id": form_id}
        kwargs["data"] = data


@pytest.fixture
def make_app(database_url, places):
    """Build an app over the test database; extra config overrides as keyword arguments."""
    made = []

    def factory(**overrides):
        config = TestConfig(database_url)
        for key, value in overrides.items():
            setattr(config, key, value)
        application = create_app(config)
        application.test_client_class = OwnContextClient
        made.append(application)
        return application

    first = factory()
    _clean(first)
    with first.app_context():
        from slrt.admin.reference import load_reference_data
        load_reference_data()
        db.session.commit()
    yield factory
    for application in made:
        with application.app_context():
            db.session.remove()
    _clean(first)
    with first.app_context():
        db.engine.dispose()


@pytest.fixture
def app(make_app):
    application = make_app()
    with application.app_context():
        yield application


@pytest.fixture
def client(app):
    return app.test_client()


ROLE_REGION = {
    "front_office": "district", "puskesos_operator": "desa", "back_office": "district",
    "supervisor": "district", "agency_liaison": "district", "facilitator": "kecamatan", "admin": "district",
    "provincial_officer": "province",
}


@pytest.fixture
def make_user(app, places):
    from slrt.admin.models import Agency
    from slrt.auth.operations import create_user
    counter = {"n": 0}

    def factory(role: str, region_code: str | None = None, username: str | None = None, agency_code="DINKES"):
        counter["n"] += 1
        where = ROLE_REGION[role]
        region = region_code or {"district": places.district, "desa": places.desa, "kecamatan": places.kecamatan,
                                 "province": places.district[:2]}[where]
        agency_id = None
        if role == "agency_liaison":
            agency_id = db.session.scalar(db.select(Agency.id).where(Agency.code == agency_code))
        user = create_user(username=username or f"{role}{counter['n']}", full_name=f"Petugas {role} {counter['n']}",
                           role=role, region_code=region, password=PASSWORD, agency_id=agency_id)
        db.session.commit()
        return user
    return factory


def log_in(client, username: str, password: str = PASSWORD, **kwargs):
    """The one way tests log a client in: the login form, as a person fills it."""
    return client.post("/masuk", data={"username": username, "password": password}, **kwargs)


@pytest.fixture
def login_as(client, make_user):
    """Create a user with `role` and log the test client in as them."""
    def do(role: str, **kwargs):
        user = make_user(role, **kwargs)
        response = log_in(client, user.username)
        assert response.status_code == 303, response.data[:500]
        return user
    return do


VALID_NIK = "3204054512900001"  # a woman born 5 December 1990, registered in 32.04.05


@pytest.fixture
def make_case(app, make_user, places):
    """Register a visit through the intake operation, as the counter would."""
    from slrt.admin.models import ComplaintCategory
    from slrt.intake.operations import VisitData, register_visit
    state = {"clerk": None, "n": 0}

    def factory(*, nik: str | None = None, region_code: str | None = None, clerk=None, name="Ani Suryani",
                birth_date=date(1990, 12, 5), sex="P", **kwargs):
        if clerk is None:
            if state["clerk"] is None:
                state["clerk"] = make_user("front_office", username="factoryclerk")
            clerk = state["clerk"]
        state["n"] += 1
        category = db.session.scalar(db.select(ComplaintCategory.id).where(ComplaintCategory.code == "KESEHATAN"))
        data = VisitData(nik=nik or VALID_NIK, name=name, birth_date=birth_date, sex=sex,
                         region_code=region_code or places.desa, channel=kwargs.pop("channel", "counter"),
                         visit_type=kwargs.pop("visit_type", "service_request"),
                         complaints=kwargs.pop("complaints", [(category, "Kartu KIS tidak aktif saat berobat")]),
                         # A second case of one citizen needs a reason (kept only when they had an open one).
                         new_case_reason=kwargs.pop("new_case_reason", "Kasus terpisah"), **kwargs)
        case = register_visit(data, clerk)
        db.session.commit()
        return case
    return factory


HX = {"HX-Request": "true"}


def is_fragment(response) -> bool:
    return b"<html" not in response.data


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def csrf_token_from(html: bytes) -> str:
    match = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html) or \
        re.search(rb'value="([^"]+)" name="csrf_token"', html) or \
        re.search(rb'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1).decode()


# The test database is thrown away: skip SQLite's fsync on every commit (locking is unchanged).
os.environ.setdefault("SLRT_SQLITE_SYNCHRONOUS", "OFF")


def _reuse_url_builders() -> None:
    """Most tests build an app of their own (`make_app`), and 90% of create_app's 100 ms went to Werkzeug
    compiling, for each of some 180 routes, two URL-building functions from a syntax tree. Such a function
    depends only on the rule and its defaults (the rule object comes in as its first argument), so within
    the test process one compiled function serves every app that has the same rule. Tests only: the portal
    builds its app once per process."""
    from werkzeug.routing.rules import Rule
    compile_builder = Rule._compile_builder
    built: dict = {}

    def reused(self, append_unknown: bool = True):
        key = (type(self), self.rule, self.subdomain, self.host, self.map.host_matching, tuple(self._trace),
               tuple(sorted((name, repr(value)) for name, value in (self.defaults or {}).items())),
               append_unknown)
        function = built.get(key)
        if function is None:
            function = built[key] = compile_builder(self, append_unknown)
        return function
    Rule._compile_builder = reused


_reuse_url_builders()
