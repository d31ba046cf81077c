"""The audit trail and the outbox in plain Indonesian: every action code written anywhere in slrt/ has a label,
every status value has one, status moves in notes are put in words; the audit page filters by user, person
(NIK typed in a POST form, never in the address), action and dates; the outbox never says "Terkirim" when no
gateway is set."""
from __future__ import annotations

import ast
import functools
from datetime import timedelta
from enum import StrEnum
from pathlib import Path

import pytest
from sqlalchemy import select

from slrt.audit import labels
from slrt.audit.models import AuditLog
from slrt.core.labels import LABELS
from slrt.extensions import db
from tests.conftest import VALID_NIK

SLRT = Path(__file__).resolve().parents[1] / "slrt"


@functools.cache
def _parsed() -> tuple:
    return tuple((path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(SLRT.rglob("*.py"))
                 if "translations" not in path.parts)


def _modules():
    return iter(_parsed())


def _name(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


def _calls(name: str):
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node) == name:
                yield path, node


def _constants(node) -> set[str] | None:
    """The strings an expression can be, when it is made of literals only (a string, or a choice of two)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Constant) and node.value is None:
        return set()  # no audit row
    if isinstance(node, ast.IfExp):
        body, orelse = _constants(node.body), _constants(node.orelse)
        return body | orelse if body is not None and orelse is not None else None
    return None


def _arg(call: ast.Call, position: int, keyword: str):
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[position] if len(call.args) > position else None


def _assigned_in_function(tree, call, name: str):
    """`name = <literals>` in the function around `call` (e.g. `what = "a" if pdf else "b"`)."""
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef) and call in list(ast.walk(function)):
            for node in ast.walk(function):
                if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == name for t in node.targets):
                    return _constants(node.value)
    return None


def _plain(source: str) -> str:
    return source.replace("(", "").replace(")", "").replace(" ", "")


def written_action_codes() -> tuple[set[str], list[str]]:
    """Every action code that slrt/ writes to the audit trail, and the writes this test cannot work out."""
    from slrt.admin.operations import AUDIT_NAMES
    from slrt.planning.models import PlanStatus
    from slrt.referrals.models import ReferralStatus
    codes: set[str] = set()
    unknown: list[str] = []
    trees = dict(_modules())
    # the kinds passed to cases.operations._move and the actions passed to referrals.operations._audit
    move_kinds = {c for path, call in _calls("_move") if path.name == "operations.py" and path.parent.name in ("cases", "handling")
                  for c in (_constants(_arg(call, 3, "kind")) or set())}
    referral_actions = {c for path, call in _calls("_audit") if path.parent.name == "referrals"
                        for c in (_constants(_arg(call, 1, "action")) or set())}
    attachment_actions = {c for path, call in _calls("_send") if path.parent.name == "attachments"
                          for c in (_constants(_arg(call, 99, "action")) or set())}
    outbox_outcomes = {c for path, call in _calls("_finish") if path.parent.name == "notifications"
                       for c in (_constants(_arg(call, 3, "audit")) or set())}
    dynamic = {(feature, _plain(source)): made for (feature, source), made in {  # the f-strings and variables of slrt/, each with the codes it can make
        ("cases", "case.{kind or 'status'}"): {f"case.{k}" for k in move_kinds} | {"case.status"},
        ("handling", "case.{kind or 'status'}"): {f"case.{k}" for k in move_kinds} | {"case.status"},
        ("referrals", "referral.{action}"): {f"referral.{a}" for a in referral_actions | set(ReferralStatus)},
        ("admin", "{AUDIT_NAMES[model]}.create"): {f"{n}.create" for n in AUDIT_NAMES.values()},
        ("admin", "{AUDIT_NAMES[type(item)]}.update"): {f"{n}.update" for n in AUDIT_NAMES.values()},
        ("admin", "{AUDIT_NAMES[type(item)]}.{'activate' if active else 'deactivate'}"):
            {f"{n}.{a}" for n in AUDIT_NAMES.values() for a in ("activate", "deactivate")},
        ("attachments", "action"): attachment_actions,
        ("notifications", "audit"): outbox_outcomes,
        ("webhooks", "audit"): {"webhook.delivered", "webhook.failed"},
        ("lapor", "action"): {"lapor.received", "lapor.completed"},
        ("planning", "planning.{target}"): {f"planning.{s}" for s in PlanStatus},
    }.items()}
    for function, position, keyword in (("record", 0, "action"), ("send_download", 99, "audit"),
                                        ("AuditLog", 99, "action")):
        for path, call in _calls(function):
            if path.parent.name == "audit" or path.name == "downloads.py":
                continue  # the trail itself, and send_download passing on its callers' codes
            node = _arg(call, position, keyword)
            if node is None or (isinstance(node, ast.Constant) and node.value is None):
                continue
            found = _constants(node)
            if found is None and isinstance(node, ast.Name):
                found = _assigned_in_function(trees[path], call, node.id) or dynamic.get((path.parent.name, node.id))
            if found is None and isinstance(node, ast.JoinedStr):
                found = dynamic.get((path.parent.name, _plain(ast.unparse(node)[2:-1])))
            if found is None:
                unknown.append(f"{path.relative_to(SLRT.parent)}:{call.lineno} {ast.unparse(node)}")
            else:
                codes |= found
    return codes, unknown


def test_every_action_code_written_in_slrt_has_a_label():
    codes, unknown = written_action_codes()
    assert not unknown, "action codes this test cannot work out (add them to its `dynamic` table):\n" + "\n".join(unknown)
    assert {"auth.login", "person.view", "case.taken", "referral.rejected", "attachment.download",
            "outbox.logged"} <= codes
    missing = sorted(codes - set(labels.ACTIONS))
    assert not missing, f"action codes without a label in slrt/audit/labels.py: {missing}"
    assert all(code.split(".")[0] in labels.GROUPS for code in labels.ACTIONS)


def _status_enums() -> list[type[StrEnum]]:
    import importlib
    import pkgutil

    import slrt
    for module in pkgutil.walk_packages(slrt.__path__, "slrt."):
        if module.name.endswith(".models"):
            importlib.import_module(module.name)
    found, stack = [], [StrEnum]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("slrt."):
            found.append(cls)
    return found


def test_every_enum_value_has_a_label(app):
    enums = _status_enums()
    assert {"CaseStatus", "ReferralStatus", "OutboxStatus", "AttachmentStatus"} <= {e.__name__ for e in enums}
    missing = [f"{e.__name__}.{v.value}" for e in enums for v in e if LABELS.label(e, v) == v.value]
    assert not missing, f"values shown raw: {missing}"


def test_every_event_and_message_kind_has_a_label(app):
    from slrt.referrals.models import ReferralStatus
    kinds = {c for name, position in (("add_event", 1), ("_event", 1), ("queue_citizen_message", 1))
             for _path, call in _calls(name) for c in (_constants(_arg(call, position, "kind")) or set())}
    kinds |= {c for path, call in _calls("_move") if path.parent.name in ("cases", "handling")
              for c in (_constants(_arg(call, 3, "kind")) or set())}
    kinds |= {f"agency_{s}" for s in (ReferralStatus.ACCEPTED, ReferralStatus.NEEDS_DOCUMENTS,
                                      ReferralStatus.COMPLETED, ReferralStatus.DECLINED)}
    assert {"answered", "referred", "registered", "closed"} <= kinds
    assert not [k for k in kinds if LABELS.label("EventKind", k) == k]
    # what reaches a citizen's phone: every kind sent with an SMS
    sent = {"registered", "answered", "referred", "closed", "reopened"} | {k for k in kinds if k.startswith("agency_")}
    assert not [k for k in sent if LABELS.label("OutboxKind", k) == k]


def test_status_moves_in_notes_are_put_in_words(app):
    assert labels.note_text("Referral", "pending_signoff->rejected Lengkapi SKTM dari desa") == \
        "Menunggu penetapan → Ditolak penetapan · Lengkapi SKTM dari desa"
    assert labels.note_text("Complaint", "open->answered") == "Belum ditangani → Dijawab langsung"
    assert labels.note_text("User", "role=admin") == "role=admin"
    assert labels.action_label("auth.login") == "Masuk ke portal"


@pytest.fixture
def trail(app, make_user, make_case, login_as):
    """An answered complaint (by the back office) and a taken case of someone else, and the admin's client."""
    from slrt.handling import operations as handling
    officer = make_user("back_office", username="petugas_bo")
    case = make_case()
    handling.take(case, officer)
    handling.answer_complaint(case.complaints[0], officer, "Silakan bawa KK terbaru")
    other = make_case(nik="3204051708850003", name="Joko Susilo", sex="L")
    handling.take(other, officer)
    db.session.commit()
    admin = login_as("admin")
    return {"case": case, "other": other, "officer": officer, "admin": admin}


def test_the_audit_page_speaks_indonesian(trail, client):
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Masuk ke portal" in html and "Mengambil kasus" in html and "Menjawab keluhan langsung" in html
    assert "Terdaftar → Diproses" in html and "Belum ditangani → Dijawab langsung" in html
    assert "registered-&gt;in_progress" not in html and "registered->in_progress" not in html


def test_the_audit_filters_by_person_from_a_typed_nik_never_in_the_address(trail, client):
    response = client.post("/admin/audit", data={"nik": VALID_NIK, "action": "case.", "user": str(trail["officer"].id)})
    assert response.status_code == 303
    address = response.headers["Location"]
    assert VALID_NIK not in address and f"person={trail['case'].person_id}" in address
    html = client.get(address).get_data(as_text=True)
    assert "Mengambil kasus" in html and "3204********0001" in html
    rows = html.split("<tbody", 1)[1]
    assert f"Kasus {trail['case'].id}" in rows and f"Kasus {trail['other'].id}<" not in rows
    assert "Menjawab keluhan" not in rows  # a complaint action, not a case action
    viewed = db.session.scalar(select(AuditLog).where(AuditLog.action == "audit.person_trail"))
    assert viewed.person_id == trail["case"].person_id and viewed.user_id == trail["admin"].id


def test_a_bad_nik_is_refused_next_to_the_field_and_kept(trail, client):
    response = client.post("/admin/audit", data={"nik": "12345"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "NIK terdiri dari 16 angka." in html and 'value="12345"' in html
    unknown = client.post("/admin/audit", data={"nik": "3204055507800009"})
    assert unknown.status_code == 422 and "tidak ditemukan" in unknown.get_data(as_text=True)
    backwards = client.post("/admin/audit", data={"date_from": "2026-11-20", "date_to": "2026-11-01"})
    assert backwards.status_code == 422 and "sebelum tanggal awal" in backwards.get_data(as_text=True)


def test_the_audit_filters_by_user_action_and_dates(trail, client):
    officer = trail["officer"]
    only_logins = client.get("/admin/audit", query_string={"action": "auth.login"}).get_data(as_text=True)
    rows = only_logins.split("<tbody", 1)[1]
    assert "Masuk ke portal" in rows and "Mengambil kasus" not in rows
    mine = client.get("/admin/audit", query_string={"user": officer.id}).get_data(as_text=True).split("<tbody", 1)[1]
    assert "petugas_bo" in mine and "factoryclerk" not in mine
    from slrt.core.time import local_today
    today = local_today()
    assert "Mengambil kasus" in client.get("/admin/audit", query_string={
        "from": today.isoformat(), "to": today.isoformat()}).get_data(as_text=True)
    earlier = client.get("/admin/audit", query_string={"to": (today - timedelta(days=2)).isoformat()})
    assert "Tidak ada catatan yang cocok" in earlier.get_data(as_text=True)


def test_the_outbox_says_logged_without_a_gateway_and_labels_every_kind(trail, client, app):
    from slrt.notifications.models import OutboxMessage, OutboxStatus
    for message in db.session.scalars(select(OutboxMessage)):
        message.status = OutboxStatus.LOGGED
    db.session.commit()
    html = client.get("/admin/pesan-keluar/").get_data(as_text=True)
    assert "Dicatat (tanpa gateway)" in html and "Terkirim" not in html
    assert "Jawaban langsung" in html and ">answered<" not in html
    answered = client.get("/admin/pesan-keluar/", query_string={"kind": "answered"}).get_data(as_text=True)
    rows = answered.split("<tbody", 1)[1]
    assert "Jawaban langsung" in rows and "Terdaftar</td>" not in rows


def test_an_administrator_reads_the_audit_trail_of_their_own_region(trail, client, app, make_user, places):
    """The district's administrator sees its accounts' and people's rows and the scheduled jobs'; an
    administrator of another district sees none of them, and no row of this district is theirs to read."""
    from tests.auth_helpers import client_for
    db.session.add(AuditLog(action="maintenance.purge", note="tugas terjadwal 7731"))
    elsewhere, other_admin = client_for(app, make_user, "admin", region_code=places.other_district,
                                        username="admin_lain")
    theirs = elsewhere.get("/admin/audit").get_data(as_text=True).split("<tbody", 1)[1]
    assert "admin_lain" in theirs  # their own login
    assert "petugas_bo" not in theirs and "Mengambil kasus" not in theirs and "7731" not in theirs
    ours = client.get("/admin/audit").get_data(as_text=True).split("<tbody", 1)[1]
    assert "Mengambil kasus" in ours and "7731" in ours and "admin_lain" not in ours
