from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from slrt.core.forms import BaseForm, MultiCheckboxField


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class ActionForm(BaseForm):
    """Only the CSRF token: a button (submit for sign-off, withdraw)."""


class ReferralForm(BaseForm):
    complaint = SelectField(_l("Untuk keluhan"), coerce=_int_or_none, validators=[Optional()])
    agency = SelectField(_l("Instansi tujuan"), coerce=_int_or_none, validators=[DataRequired()])
    # Not validated against the list: the list follows the chosen agency, and the operation judges the pair
    # with a message that says what is wrong (a choice from before the agency changed is not "invalid").
    programme = SelectField(_l("Program / layanan"), coerce=_int_or_none, validate_choice=False,
                            validators=[Optional()])
    reason = TextAreaField(_l("Alasan rujukan"), validators=[DataRequired(), Length(max=2000)])
    documents = MultiCheckboxField(_l("Dokumen yang dilampirkan / diperiksa"), validate_choice=False)


class DecisionForm(BaseForm):
    decision = HiddenField()
    note = TextAreaField(_l("Catatan / alasan"), validators=[Optional(), Length(max=1000)],
                         description=_l("Wajib bila dikembalikan atau ditolak."))


class ResponseForm(BaseForm):
    response = RadioField(_l("Tanggapan instansi"), validators=[DataRequired()])
    note = TextAreaField(_l("Keterangan"), validators=[Optional(), Length(max=1000)],
                         description=_l("Dokumen yang diperlukan, hasil layanan, atau alasan penolakan."))


class QueueFilterForm(BaseForm):
    class Meta:
        csrf = False

    show = SelectField(_l("Tampilkan"), validate_choice=False, validators=[Optional()])
    agency = SelectField(_l("Instansi"), coerce=_int_or_none, validate_choice=False, validators=[Optional()])
