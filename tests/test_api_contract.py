"""The API's contract: the OpenAPI document generated from the code is valid OpenAPI 3.1, and schemathesis,
run against the real app (WSGI) with valid tokens, finds no server error and no answer that departs from the
document (status codes, content types, bodies, headers) on any endpoint."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

from slrt.cases.models import Case
from slrt.extensions import db
from slrt.referrals.models import ReferralStatus
from tests.api_helpers import bearer, make_client


def test_the_document_is_valid_openapi_3_1_and_covers_every_api_view(app, client):
    response = client.get("/api/v1/openapi.json")
    document = response.get_json()
    assert response.status_code == 200 and document["openapi"] == "3.1.0"
    validate(document)
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    views = {(rule.rule, method.lower()) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
             and rule.endpoint not in ("api.openapi", "api.reference")
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert {(p.replace("{", "<").replace("}", ">").replace("<referral_id>", "<int:referral_id>"), m)
            for p, m in operations} == views
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["security"] == [{"token": []}]
            assert "application/problem+json" in operation["responses"]["401"]["content"]


@pytest.fixture
def api_world(app, make_user, make_case, places):
    """A district with cases and a signed-off referral; an office client with every office permission and an
    agency client of the referral's agency."""
    from tests.referrals_helpers import agency, referral_in
    admin = make_user("admin")
    officer, signer = make_user("back_office"), make_user("supervisor")
    for _ in range(3):
        make_case()
    referral_in(ReferralStatus.APPROVED, make_case(), officer, signer)
    _office, office_token = make_client(
        admin, permissions=("read_status", "read_aggregates", "create_cases", "read_registry"),
        region_code=places.district, rate_per_minute=6000)
    _agency, agency_token = make_client(admin, permissions=("answer_referrals", "read_status"),
                                        region_code=places.district, agency_id=agency("DINKES").id,
                                        rate_per_minute=6000)
    app.config["SLRT_STATUS_LIMIT"] = "1000 per 10 minutes"
    return {"app": app, "office": office_token, "agency": agency_token,
            "ticket": db.session.scalar(db.select(Case.ticket).order_by(Case.id))}


def _fuzz(operation, token: str, world: dict, calls: list) -> None:
    """Generated calls of one operation (valid data and its edges), each checked against the document."""
    from hypothesis import given
    # `positive_data_acceptance` is left out: a body that fits the document may still be refused with 422 by
    # the counter's rules (an unknown village, a NIK whose date is impossible), as it should be.
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def call(case):
        if case.path_parameters and case.path_parameters.get("ticket", "").startswith("T"):
            case.path_parameters["ticket"] = world["ticket"]  # some reads of a real ticket, not only 404s
        # (identity: the in-process WSGI client does not undo the portal's gzip/brotli as an HTTP client would)
        headers = {**bearer(token), "Accept-Encoding": "identity"}
        response = case.call_and_validate(session=world["app"].test_client(), headers=headers,
                                          excluded_checks=[positive_data_acceptance])
        calls.append((operation.path, response.status_code))
    call()


def test_every_endpoint_keeps_to_the_document(api_world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_world["app"])
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7
    calls: list = []
    for operation in operations:
        token = api_world["agency"] if operation.path.endswith("/answer") else api_world["office"]
        _fuzz(operation, token, api_world, calls)
    statuses: dict = {}
    for path, status in calls:
        statuses.setdefault(path, set()).add(status)
    assert 200 in statuses["/api/v1/aggregates"] and 200 in statuses["/api/v1/cases/changes"]
    assert all(status < 500 for _path, status in calls)
