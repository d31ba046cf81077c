"""Hostile text in every field that people or imports fill, then every page and htmx partial, for every role:
no tag, attribute or template expression from the payloads may come back live.

The seeding goes through the real operations (a case with a referral and a letter, an answered complaint,
an assessment, a registry import, a proposal, a day off, district settings), then every free-text column
of every table is overwritten with the payloads, so a field added later is covered without touching this
file. The pages are found by walking the URL map; forms are posted with the payloads in every field, so
the re-rendered form (which keeps what was typed) is checked too.
"""
from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from itertools import product

import pytest
import sqlalchemy as sa
from wtforms.fields.core import UnboundField

from slrt.extensions import db
from tests.auth_helpers import ROLES
from tests.conftest import log_in

ATTRIBUTE_BREAK = "'\"><form hx-post=/keluar hx-trigger=load>"
IMAGE = "<img src=x onerror=alert(1)>"
TEMPLATE = "zz{{7*7}}zz"
FULL = ATTRIBUTE_BREAK + IMAGE + TEMPLATE
PAYLOADS = (FULL, ATTRIBUTE_BREAK, IMAGE, TEMPLATE)
# A letter-number pattern whose unknown placeholders are markup (the reported attack on the preview).
PATTERN = "{<form hx-post=/keluar hx-trigger=load>}{<img src=x onerror=alert(1)>}"

# Columns that hold identifiers, codes, enums, machine data or secrets, not text someone writes.
NOT_FREE_TEXT = {"code", "nik", "kk_number", "status", "region_code", "office_region_code", "district_code",
                 "parent_code", "ticket", "rt", "rw", "sex", "role", "password_hash", "channel", "visit_type",
                 "kind", "month", "key", "value", "mapping", "phone", "ip", "verification_code", "action",
                 "object_type", "object_id", "name_key", "minutes_file", "dataset_version",
                 "members", "name_phonetic",  # members: a JSON list (its names come through the intake form, posted above)
                 "base", "device_values", "office_values", "chosen"}  # field clashes: JSON of codes and ids
NOT_WRITTEN_BY_USERS = {"regions", "alembic_version", "letter_counters", "report_case_months",
                        "report_summarised_months", "settings"}
TEXT_SETTINGS = ("letter_pattern", "letter_signer_name", "letter_signer_nip", "letter_signer_title", "letter_place",
                 "letterhead_address", "letterhead_phone",
                 "letterhead_lines")
# Not pages: files, exports (their own tests), and posts that end or change the session or an account.
SKIP_ENDPOINTS = {"static", "admin.logo", "core.healthz", "registry.minutes", "registry.rejected_csv",
                  "auth.logout", "core.set_language", "admin.toggle_user",
                  "admin.reset_user_password", "notifications.retry", "deadlines.remove", "admin.list_toggle"}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class LiveMarkup(HTMLParser):
    """Collects what a browser (and htmx) would act on: elements and attributes that came from a payload;
    and written text that stands outside an `hx-disable` container (checked in htmx responses)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, has hx-disable)
        self.outside_disable: list[str] = []
        self.nested_oob: list[str] = []

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if "hx-swap-oob" in values and self.open:
            # htmx is configured to swap out-of-band only the top-level elements of a response
            self.nested_oob.append(tag)
        if tag not in VOID:
            self.open.append((tag, "hx-disable" in values or "data-hx-disable" in values))
        if tag == "form" and values.get("hx-post") == "/keluar":
            self.found.append("<form hx-post=/keluar>")
        if tag == "img" and values.get("src") == "x":
            self.found.append("<img src=x>")
        if "onerror" in values or "hx-trigger" in values and values.get("hx-trigger") == "load" \
                and "/keluar" in str(values.get("hx-post")):
            self.found.append(f"<{tag} {' '.join(k for k, _v in attrs)}>")

    def handle_data(self, data):
        if "zz49zz" in data:
            self.found.append("{{7*7}} evaluated")
        if "hx-post=/keluar" in data and not any(disabled for _tag, disabled in self.open) \
                and not (self.open and self.open[-1][0] in ("textarea", "title", "option")):
            self.outside_disable.append("/".join(tag for tag, _d in self.open[-3:]))


def read(html: str) -> LiveMarkup:
    parser = LiveMarkup()
    parser.feed(html)
    parser.close()
    parser.found += [needle for needle in ("<form hx-post=/keluar", "<img src=x", "zz49zz") if needle in html]
    return parser


def live_markup(html: str) -> list[str]:
    return sorted(set(read(html).found))


def test_the_detector_sees_each_payload_and_ignores_escaped_text():
    assert "<form hx-post=/keluar>" in live_markup(f'<input value="{ATTRIBUTE_BREAK}">')
    assert "<form hx-post=/keluar>" in live_markup(f"<input value='{ATTRIBUTE_BREAK}'>")
    assert "<img src=x>" in live_markup(f"<p>{IMAGE}</p>")
    assert "{{7*7}} evaluated" in live_markup("<p>zz49zz</p>")
    from markupsafe import escape
    assert live_markup(f'<input value="{escape(FULL)}"><p>{escape(FULL)}</p>') == []


def _fit(length: int | None) -> str | None:
    for payload in PAYLOADS:
        if length is None or len(payload) <= length:
            return payload
    return None


def overwrite_free_text() -> int:
    """Every free-text column of every row gets a payload (the longest that fits the column)."""
    columns = 0
    for table in db.metadata.sorted_tables:
        if table.name in NOT_WRITTEN_BY_USERS:
            continue
        unique = {c.name for c in table.columns if c.unique} | {
            c.name for constraint in table.constraints if isinstance(constraint, sa.UniqueConstraint)
            for c in constraint.columns} | {c.name for index in table.indexes if index.unique for c in index.columns}
        values = {}
        for column in table.columns:
            if isinstance(column.type, (sa.String, sa.Text)) and column.name not in NOT_FREE_TEXT \
                    and not column.primary_key and not column.foreign_keys:
                length = getattr(column.type, "length", None)
                payload = _fit(length - 8 if length and column.name in unique else length)
                if payload is None:
                    continue
                text = sa.literal(payload)
                if column.name in unique:  # the payload and the row's key (its id, a district's code), to stay unique
                    text = text + sa.cast(list(table.primary_key.columns)[0], sa.String)
                # an empty field (a letter not issued yet) stays empty
                values[column.name] = sa.case((table.c[column.name].is_(None), sa.null()), else_=text)
        if values:
            db.session.execute(table.update().values(**values))
            columns += len(values)
    db.session.commit()
    return columns


def form_field_names() -> set[str]:
    """Every field name of every form of the portal (so a new form is posted with payloads too)."""
    import importlib
    import pkgutil

    import slrt
    from flask_wtf import FlaskForm
    for module in pkgutil.walk_packages(slrt.__path__, "slrt."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    names = set()
    stack = [FlaskForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        names |= {name for name in dir(cls) if isinstance(getattr(cls, name, None), UnboundField)}
    return names | {"complaints-0-description", "complaints-0-category", "members-0-name", "members-0-nik",
                    "q", "jenis", "tahun", "format", "placeholder", "region", "page", "action", "complaint"}


@pytest.fixture
def hostile(app, make_user, make_case, places, tmp_path, monkeypatch):
    """A district whose every record was written with hostile text; one logged-in client per role."""
    from slrt.admin import settings
    from slrt.cases import operations as case_operations
    from slrt.cases.models import CaseStatus
    from slrt.core.time import utcnow
    from slrt.handling import operations as cases
    from slrt.deadlines.operations import add_day_off
    from slrt.referrals.models import Referral, ReferralStatus
    from slrt.registry import operations as registry
    from tests.referrals_helpers import referral_in
    from tests.registry_helpers import family, import_file, person_row, write_csv

    monkeypatch.setattr("slrt.auth.passwords._hasher", __import__("argon2").PasswordHasher(
        time_cost=1, memory_cost=1024, parallelism=1))
    app.config.update(SLRT_OFFICE_NAME=FULL, SLRT_REGION_NAME=IMAGE + TEMPLATE)
    # the import first: it closes the session, which would detach the users made before it
    rows, niks, kk_number = family(places, names=(FULL, IMAGE, TEMPLATE))
    rows.append(person_row(places, nik_value="3.27301E+15", kk_value=kk_number, name=FULL, born=date(1990, 1, 1)))
    import_id, _progress = import_file(write_csv(tmp_path / f"{IMAGE}.csv", rows))
    admin = make_user("admin")
    officer, signer = make_user("back_office"), make_user("supervisor")
    liaison = make_user("agency_liaison")

    registered = make_case(phone="081234567890", note=FULL, address=FULL, birth_place="Bandung")
    in_registry = make_case(nik=niks[0], name=FULL, birth_date=date(1980, 3, 1), sex="L")
    for case in (registered, in_registry):
        cases.take(case, officer)
    cases.record_assessment(registered, officer, FULL)
    cases.answer_complaint(registered.complaints[0], officer, FULL)
    completed = referral_in(ReferralStatus.COMPLETED, make_case(), officer, signer, liaison)
    referral_in(ReferralStatus.PENDING_SIGNOFF, in_registry, officer, signer)
    referral_in(ReferralStatus.DRAFT, make_case(), officer, signer)
    # a correction (the case's history) and a draft edited after its return (the sign-off queue's changes)
    opened = case_operations.edit_values(registered)
    case_operations.edit_case(registered, officer, opened | {"phone": "085711112222"}, reason=FULL, opened_with=opened)
    from slrt.referrals import operations as referrals
    returned = referral_in(ReferralStatus.RETURNED, make_case(), officer, signer)
    referrals.update_draft(returned, officer, agency=returned.agency, programme=returned.programme,
                           complaint=returned.complaint, reason=FULL, documents=["KTP"])
    referrals.submit(returned, officer)
    closed = make_case()  # within its objection window: the counter's objection page opens
    closed.status, closed.closed_at = CaseStatus.CLOSED, utcnow()
    proposal = registry.create_proposal(registry.ProposalData(
        kind="sanggah", nik=niks[1], name=FULL, region_code=places.desa, address=FULL, reason=FULL), officer)
    registry.record_visit(proposal, date(2025, 9, 2), FULL, officer)
    registry.save_survey(proposal, kk_number, registry.SurveyData(
        ownership="1", floor_area=30, floor="8", wall="4", roof="3", water="6", lighting="1", cooking_fuel="4",
        toilet="1", sewage="1", assets=["tv"], members=[registry.MemberData(
            name=FULL[:120], birth_date=date(1980, 1, 1), sex="1", relation="1", birth_place=FULL[:80])]), officer)
    meeting = registry.record_meeting(registry.MeetingData(
        region_code=places.desa, meeting_date=date(2025, 9, 10), place=FULL[:160], chair=FULL[:120],
        attendance_count=3, attendees=[(FULL[:120], FULL[:120]), (IMAGE[:120], TEMPLATE[:120])]), officer)
    registry.decide_batch(meeting, {proposal.id: ("postponed", FULL)}, officer)
    add_day_off(places.district, date(2026, 12, 24), FULL, admin)
    from slrt.admin.models import Programme
    from slrt.planning import operations as planning
    planning.create_plan(planning.PlanData(
        programme_id=db.session.scalar(sa.select(Programme.id).order_by(Programme.id)), budget_year=2026,
        funding_source="apbd", quota=10, unit_cost=500000, eligibility=FULL), places.district, admin)
    _attach_photo(registered, officer)
    from slrt.whatsapp.answers import Answer
    from slrt.whatsapp.operations import receive
    receive("6281234567890", "wamid.HOSTILE", Answer("menu", FULL, FULL, FULL))  # a WhatsApp conversation
    from slrt.admin.models import ComplaintCategory
    from slrt.lapor.operations import take_report
    other = db.session.scalar(sa.select(ComplaintCategory.id).where(ComplaintCategory.code == "LAINNYA"))
    take_report({"tracking_id": "LPR-H1", "judul": FULL, "isi": FULL}, officer, other)  # a LAPOR! report, no case
    take_report({"tracking_id": "LPR-H2", "judul": FULL, "isi": FULL, "lokasi": {"kode_wilayah": places.desa},
                 "pelapor": {"nik": niks[2], "nama": FULL, "tanggal_lahir": "2012-05-17", "jenis_kelamin": "L"}},
                officer, other)  # and one that became a case
    _send_on_visits(registered, make_user("facilitator"), officer)
    _enrol_devices(make_user("facilitator"), admin, registered, officer)
    from slrt.privacy.operations import request_correction
    request_correction(registered, "address", "Kp. Baru", FULL, officer)  # evidence and value overwritten below
    settings.put("privacy_contact", FULL, admin)
    for key in TEXT_SETTINGS:
        settings.put(key, PATTERN if key == "letter_pattern" else FULL, admin)
    db.session.commit()

    clients = {}
    for role in ROLES:
        user = admin if role == "admin" else make_user(role)
        client = app.test_client()
        assert log_in(client, user.username).status_code == 303
        clients[role] = client
    from tests.api_helpers import make_client
    api_client, _token = make_client(admin, name=FULL[:120], region_code=places.district,
                                     permissions=("read_status", "read_aggregates", "create_cases", "read_registry"))
    from slrt.webhooks import operations as webhooks
    from slrt.webhooks.models import WebhookEvent
    webhooks.subscribe(api_client, webhooks.SubscriptionData("https://cc.example.org/" + FULL[:400],
                                                             list(WebhookEvent)), admin)
    webhooks.queue_event(WebhookEvent.CASE_CREATED, registered)  # a delivery for the log (text overwritten below)
    db.session.commit()
    make_user("front_office", username="target")  # an account to open in the admin pages (the last user)
    return {"clients": clients, "niks": niks, "kk": kk_number, "import_id": import_id,
            "ticket": registered.ticket, "completed": completed.id,
            "codes": [r.verification_code for r in db.session.scalars(sa.select(Referral)) if r.verification_code]}


def _attach_photo(case, actor) -> None:
    """A photo on the case with a hostile caption (its file name too)."""
    import io
    from PIL import Image
    from werkzeug.datastructures import FileStorage
    from slrt.admin.models import DocumentType
    from slrt.attachments.operations import add
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(image, "JPEG")
    image.seek(0)
    document_type = db.session.scalar(sa.select(DocumentType).where(DocumentType.active.is_(True)))
    add(actor, FileStorage(image, filename=f"{IMAGE}.jpg", content_type="image/jpeg"),
        document_type=document_type, caption=FULL[:200], case=case)


def _send_on_visits(case, facilitator, officer) -> None:
    """Two home visits on the case: one still to do, one done with findings (overwritten below)."""
    from slrt.core.time import local_today
    from slrt.visits import operations as visits
    visits.assign(case, facilitator, local_today(), FULL, officer, local_today())
    done = visits.assign(case, facilitator, local_today(), FULL, officer, local_today())
    visits.record_findings(done, visits.Findings(local_today(), FULL, FULL, {"floor": "earth"}, [], []),
                           facilitator, local_today())


def _enrol_devices(facilitator, admin, case, officer) -> None:
    """Two enrolled tablets, one of them revoked with a reason, and a visit synced from the other that clashes
    with the office (texts overwritten below)."""
    import uuid
    from slrt.core.time import local_today
    from slrt.field import operations as field
    from slrt.visits import operations as visits
    device = field.enrol(facilitator, uuid.uuid4(), FULL[:80], "1.0", 2)[0]
    revoked = field.enrol(facilitator, uuid.uuid4(), FULL[:80], "1.0", 2)[0]
    field.revoke(revoked, admin, FULL)
    visit = visits.assign(case, facilitator, local_today(), FULL, officer, local_today())
    field.push_visit(device, str(uuid.uuid4()), {
        "visit_id": visit.id, "visited_on": local_today().isoformat(), "findings": FULL, "recommendation": FULL,
        "base": {"documents": ["KTP"]}, "case": {"documents": ["KK"]}}, local_today())


def _clash_ids() -> list[int]:
    from slrt.field.models import FieldClash
    return _ids(FieldClash)


def _device_ids() -> list[int]:
    from slrt.field.models import Device
    return _ids(Device)


def _visit_ids() -> list[int]:
    from slrt.visits.models import HomeVisit
    return _ids(HomeVisit)


def _ids(model) -> list[int]:
    return list(db.session.scalars(sa.select(model.id).order_by(model.id)).all())


def _api_client_ids() -> list[int]:
    from slrt.api.models import ApiClient
    return _ids(ApiClient)


def _correction_ids() -> list[int]:
    from slrt.privacy.models import CorrectionRequest
    return _ids(CorrectionRequest)


def _subscription_ids() -> list[int]:
    from slrt.webhooks.models import WebhookSubscription
    return _ids(WebhookSubscription)


def _delivery_ids() -> list[int]:
    from slrt.webhooks.models import WebhookDelivery
    return _ids(WebhookDelivery)


def _lapor_ids() -> list[int]:
    from slrt.lapor.models import LaporReport
    return _ids(LaporReport)


def _conversation_ids() -> list[int]:
    from slrt.whatsapp.models import Conversation
    return _ids(Conversation)


def page_urls(app, codes) -> list[str]:
    """Every GET page of the URL map, with each record of the district as its argument."""
    from slrt.admin.district_routes import KINDS
    from slrt.attachments.models import Attachment
    from slrt.auth.models import User
    from slrt.cases.models import Case
    from slrt.intake.models import Person
    from slrt.notifications.models import OutboxMessage
    from slrt.referrals.models import Referral
    from slrt.registry.models import Proposal, RegistryImport, VillageMeeting
    from slrt.planning.models import LocalProgramme
    values = {"meeting_id": _ids(VillageMeeting), "plan_id": _ids(LocalProgramme), "case_id": _ids(Case), "referral_id": _ids(Referral), "user_id": _ids(User)[-2:],
              "import_id": _ids(RegistryImport), "proposal_id": _ids(Proposal), "code": codes,
              "slug": list(KINDS), "message_id": _ids(OutboxMessage),
              "person_id": _ids(Person)[:2], "attachment_id": _ids(Attachment),
              "correction_id": _correction_ids(), "ticket": list(db.session.scalars(sa.select(Case.ticket).order_by(Case.id).limit(1))),
              "client_id": _api_client_ids(), "conversation_id": _conversation_ids(),
              "visit_id": _visit_ids(), "device_id": _device_ids(), "clash_id": _clash_ids(),
              "subscription_id": _subscription_ids(), "delivery_id": _delivery_ids(), "report_id": _lapor_ids()}
    urls = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP_ENDPOINTS or "fmt" in rule.arguments:
            continue
        names = sorted(rule.arguments)
        choices = []
        for name in names:
            if name == "item_id":
                choices.append([None])  # filled per slug below
            else:
                choices.append(values[name])
        for combo in product(*choices):
            arguments = dict(zip(names, combo))
            if "item_id" in arguments:
                model = KINDS[arguments["slug"]].model
                for item_id in _ids(model)[:1]:
                    urls.append(adapter.build(rule.endpoint, {**arguments, "item_id": item_id}))
            else:
                urls.append(adapter.build(rule.endpoint, arguments))
    return sorted(set(urls))


def post_urls(app) -> list[str]:
    from slrt.attachments.models import Attachment
    from slrt.cases.models import Case
    from slrt.intake.models import Person
    from slrt.notifications.models import OutboxMessage
    from slrt.referrals.models import Referral
    from slrt.registry.models import Proposal, RegistryImport, VillageMeeting
    adapter = app.url_map.bind("localhost")
    from slrt.planning.models import LocalProgramme
    first = {"meeting_id": _ids(VillageMeeting)[0], "plan_id": _ids(LocalProgramme)[0], "case_id": _ids(Case)[0], "referral_id": _ids(Referral)[-1], "proposal_id": _ids(Proposal)[0],
             "user_id": _ids(__import__("slrt.auth.models", fromlist=["User"]).User)[-1], "slug": "program",
             "item_id": 1, "message_id": _ids(OutboxMessage)[0],
             "person_id": _ids(Person)[0], "import_id": _ids(RegistryImport)[0],
             "attachment_id": _ids(Attachment)[0],
             "correction_id": _correction_ids()[0], "client_id": _api_client_ids()[0],
             "conversation_id": _conversation_ids()[0],
             "visit_id": _visit_ids()[0], "device_id": _device_ids()[0], "clash_id": _clash_ids()[0],
             "subscription_id": _subscription_ids()[0], "delivery_id": _delivery_ids()[0],
             "report_id": _lapor_ids()[0]}
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.endpoint not in SKIP_ENDPOINTS:
            urls.append(adapter.build(rule.endpoint, {name: first[name] for name in rule.arguments}))
    return sorted(set(urls))


def _check(client, method, url, problems, **kwargs):
    label = f"{method} {url} {'(htmx)' if kwargs.get('headers') else ''}"
    try:
        response = client.open(url, method=method, **kwargs)
    except Exception as error:  # a 500 is a bug too
        db.session.rollback()
        problems.append(f"{label}: {type(error).__name__}: {error}"[:300])
        return
    if response.status_code >= 500:
        problems.append(f"{label}: {response.status_code}")
    if response.mimetype != "text/html":
        return
    html = response.get_data(as_text=True)
    parsed = read(html)
    if parsed.found:
        problems.append(f"{label}: {', '.join(sorted(set(parsed.found)))}")
    if kwargs.get("headers") and "<html" not in html and parsed.nested_oob:
        problems.append(f"{label}: hx-swap-oob below the top level (ignored by htmx): {parsed.nested_oob}")
    if kwargs.get("headers") and "<html" not in html and parsed.outside_disable:
        # swapped in by htmx: written text stands inside an hx-disable container (defence in depth)
        problems.append(f"{label}: written text outside hx-disable in {', '.join(sorted(set(parsed.outside_disable)))}")


def test_no_page_or_partial_renders_hostile_text_as_markup(app, hostile):
    problems: list[str] = []
    fields = {name: FULL for name in form_field_names()} | {"letter_pattern": PATTERN}
    # First the forms, posted with payloads in every field: what they keep and re-render must stay text.
    for role, client in hostile["clients"].items():
        for url, headers in product(post_urls(app), ({}, {"HX-Request": "true"})):
            _check(client, "POST", url, problems, data=fields, headers=headers)
    assert overwrite_free_text() > 40
    # Then every page and partial, as every role, plain and as an htmx request, and with hostile query values.
    urls = page_urls(app, hostile["codes"])
    assert len(urls) > 40
    query = {name: FULL for name in ("q", "ticket", "letter_pattern", "status", "kecamatan", "desa", "region",
                                     "month", "tahun", "page", "jenis", "complaint", "next", "format", "agency")}
    query["letter_pattern"] = PATTERN
    for role, client in hostile["clients"].items():
        for url in urls:
            _check(client, "GET", url, problems)
            _check(client, "GET", url, problems, headers={"HX-Request": "true"})
            _check(client, "GET", url, problems, query_string=query, headers={"HX-Request": "true"})
        # the widgets that show registry data found by NIK, KK or name
        for url, data in (("/pendaftaran/cek-nik", {"nik": hostile["niks"][0]}),
                          ("/registri/cari", {"q": "ASEP SURYANA"}), ("/registri/cari", {"q": hostile["niks"][0]}),
                          ("/registri/keluarga", {"kk": hostile["kk"]}),
                          ("/registri/isi-pendaftaran", {"nik": hostile["niks"][0]})):
            _check(client, "POST", url, problems, data=data, headers={"HX-Request": "true"})
    public = hostile["clients"]["admin"].application.test_client()
    for data in ({"ticket": hostile["ticket"]}, {"ticket": hostile["ticket"], "birth_date": "1990-12-05"}):
        _check(public, "POST", "/status", problems, data=data)
        _check(public, "POST", "/status", problems, data=data, headers={"HX-Request": "true"})
    for code in hostile["codes"]:
        _check(public, "GET", f"/verifikasi/{code}", problems)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(sorted(set(problems))[:60])
