"""The API's shapes, once: marshmallow schemas that validate what comes in, serialise what goes out, and
from which apispec writes the OpenAPI document (slrt.api.spec). A field changed here changes all three."""
from __future__ import annotations

from datetime import timezone

from marshmallow import EXCLUDE, Schema, fields, validate

from slrt.cases.models import CaseStatus, Channel, VisitType
from slrt.referrals.models import AGENCY_RESPONSES, ReferralStatus
from slrt.registry.models import PROGRAMMES

class UtcDateTime(fields.DateTime):
    """The database's naive UTC, written as RFC 3339 with its offset (2026-11-28T07:00:00+00:00)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


REGION_CODE = validate.Regexp(r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")


class Problem(Schema):
    """RFC 9457 problem details; `detail` in Bahasa Indonesia."""
    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Pesan per isian (nama isian seperti pada badan permintaan)."})
    warnings = fields.List(fields.String(), metadata={"description": "Peringatan yang harus dikonfirmasi "
                                                                     "dengan confirm_warnings=true."})


# ---- status by ticket ---------------------------------------------------------------------------------

class StatusStep(Schema):
    at = UtcDateTime(required=True, metadata={"description": "UTC"})
    kind = fields.String(required=True)
    label = fields.String(required=True)


class CaseStatusOut(Schema):
    ticket = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in CaseStatus]))
    status_label = fields.String(required=True)
    registered_at = UtcDateTime(required=True)
    closed_at = UtcDateTime(required=True, allow_none=True)
    steps = fields.List(fields.Nested(StatusStep), required=True)


# ---- a case from another channel -------------------------------------------------------------------

class ComplaintIn(Schema):
    category = fields.String(required=True, validate=validate.Length(min=1, max=30),
                             metadata={"description": "Kode kategori keluhan (Daftar isian)."})
    description = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class MemberIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    relation = fields.Integer(required=True, validate=validate.Range(min=1, max=8))
    nik = fields.String(load_default="", validate=validate.Length(max=40))
    birth_date = fields.Date(load_default=None, allow_none=True)
    sex = fields.String(load_default="", validate=validate.OneOf(["", "L", "P"]))


class CaseIn(Schema):
    class Meta:
        unknown = EXCLUDE

    nik = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    birth_date = fields.Date(required=True)
    sex = fields.String(required=True, validate=validate.OneOf(["L", "P"]))
    desa = fields.String(required=True, validate=REGION_CODE,
                         metadata={"description": "Kode Kemendagri desa/kelurahan tempat tinggal."})
    visit_type = fields.String(required=True, validate=validate.OneOf([v.value for v in VisitType]))
    complaints = fields.List(fields.Nested(ComplaintIn), required=True, validate=validate.Length(min=1, max=10))
    channel = fields.String(load_default=Channel.ONLINE.value, validate=validate.OneOf([c.value for c in Channel]))
    birth_place = fields.String(load_default="", validate=validate.Length(max=80))
    phone = fields.String(load_default="", validate=validate.Length(max=20))
    kk_number = fields.String(load_default="", validate=validate.Length(max=40))
    address = fields.String(load_default="", validate=validate.Length(max=255))
    rt = fields.String(load_default="", validate=validate.Length(max=3))
    rw = fields.String(load_default="", validate=validate.Length(max=3))
    members = fields.List(fields.Nested(MemberIn), load_default=list, validate=validate.Length(max=30))
    needs = fields.List(fields.String(validate=validate.Length(max=30)), load_default=list,
                        metadata={"description": "Kode program/layanan yang dibutuhkan."})
    documents = fields.List(fields.String(validate=validate.Length(max=30)), load_default=list,
                            metadata={"description": "Kode dokumen yang sudah diterima."})
    note = fields.String(load_default="", validate=validate.Length(max=4000))
    confirm_warnings = fields.Boolean(load_default=False, metadata={
        "description": "true: simpan walau ada peringatan (mis. jenis kelamin tidak sesuai NIK)."})


class CaseCreated(Schema):
    ticket = fields.String(required=True)
    status = fields.String(required=True)
    status_url = fields.String(required=True)


# ---- changes since a cursor ------------------------------------------------------------------------

class ChangesQuery(Schema):
    cursor = fields.String(validate=validate.Length(max=300),
                           metadata={"description": "next_cursor dari halaman sebelumnya; kosong = dari awal."})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class CaseChange(Schema):
    id = fields.Integer(required=True)
    ticket = fields.String(required=True)
    status = fields.String(required=True)
    channel = fields.String(required=True)
    visit_type = fields.String(required=True)
    region_code = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    closed_at = UtcDateTime(required=True, allow_none=True)


class CasePage(Schema):
    items = fields.List(fields.Nested(CaseChange), required=True)
    next_cursor = fields.String(required=True)
    has_more = fields.Boolean(required=True)


class ReferralOut(Schema):
    id = fields.Integer(required=True)
    ticket = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in ReferralStatus]))
    agency = fields.String(required=True, metadata={"description": "Kode instansi."})
    programme = fields.String(required=True, allow_none=True, metadata={"description": "Kode program."})
    letter_number = fields.String(required=True, allow_none=True)
    letter_date = fields.Date(required=True, allow_none=True)
    response_due = fields.Date(required=True, allow_none=True)
    outcome = fields.String(required=True)
    updated_at = UtcDateTime(required=True)


class ReferralPage(Schema):
    items = fields.List(fields.Nested(ReferralOut), required=True)
    next_cursor = fields.String(required=True)
    has_more = fields.Boolean(required=True)


class AnswerIn(Schema):
    response = fields.String(required=True, validate=validate.OneOf([s.value for s in AGENCY_RESPONSES]))
    note = fields.String(load_default="", validate=validate.Length(max=4000),
                         metadata={"description": "Wajib kecuali untuk accepted: dokumen yang diminta, hasil "
                                                  "layanan, atau alasan penolakan."})


# ---- aggregates ------------------------------------------------------------------------------------

class AggregatesQuery(Schema):
    period = fields.String(load_default="this_month",
                           validate=validate.OneOf(["this_month", "last_month", "this_year"]))
    region = fields.String(validate=REGION_CODE,
                           metadata={"description": "Wilayah di bawah wilayah klien; kosong = wilayah klien."})


class Count(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    count = fields.Integer(required=True)


class Outcome(Schema):
    agency = fields.String(required=True)
    completed = fields.Integer(required=True)
    declined = fields.Integer(required=True)
    at_agency = fields.Integer(required=True)
    before_agency = fields.Integer(required=True)


class RegionFigures(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    cases = fields.Integer(required=True)
    referrals = fields.Integer(required=True)
    completed = fields.Integer(required=True)
    late = fields.Integer(required=True)


class Late(Schema):
    signoff = fields.Integer(required=True)
    response = fields.Integer(required=True)
    any = fields.Integer(required=True)


class Aggregates(Schema):
    region = fields.String(required=True)
    period_from = fields.Date(required=True)
    period_to = fields.Date(required=True)
    cases = fields.Integer(required=True)
    new_this_week = fields.Integer(required=True)
    new_this_month = fields.Integer(required=True)
    by_status = fields.List(fields.Nested(Count), required=True)
    by_visit_type = fields.List(fields.Nested(Count), required=True)
    referrals = fields.Integer(required=True)
    late = fields.Nested(Late, required=True)
    late_by_agency = fields.List(fields.Nested(Count), required=True)
    outcomes = fields.List(fields.Nested(Outcome), required=True)
    regions = fields.List(fields.Nested(RegionFigures), required=True)


# ---- registry ---------------------------------------------------------------------------------------

class RegistryIn(Schema):
    nik = fields.String(required=True, validate=validate.Length(min=1, max=40))


class RegistryOut(Schema):
    registered = fields.Boolean(required=True, metadata={
        "description": "false juga bila orang itu tercatat di luar wilayah klien."})
    decile = fields.Integer(required=True, allow_none=True)
    programmes = fields.List(fields.String(validate=validate.OneOf(list(PROGRAMMES))), required=True)
    extract_date = fields.Date(required=True, allow_none=True)
