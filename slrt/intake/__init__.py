from flask import Blueprint

bp = Blueprint("intake", __name__, url_prefix="/pendaftaran")

from slrt.intake import routes  # noqa: E402,F401

from flask_babel import lazy_gettext as _l  # noqa: E402

from slrt.auth.permissions import can_register  # noqa: E402
from slrt.core import nav  # noqa: E402

nav.register(10, "intake.new", _l("Pendaftaran Baru"), can_register)

from slrt.core.labels import LABELS  # noqa: E402
from slrt.intake.models import IdentityReview  # noqa: E402

LABELS.register("IdentityField", {
    "name": _l("Nama"), "birth_place": _l("Tempat lahir"), "birth_date": _l("Tanggal lahir"),
    "sex": _l("Jenis kelamin"), "phone": _l("Nomor HP"), "kk_number": _l("No. KK"), "address": _l("Alamat"),
    "rt": "RT", "rw": "RW", "region_code": _l("Desa/kelurahan"), "members": _l("Anggota rumah tangga")})
LABELS.register(IdentityReview, {
    IdentityReview.SAME: _l("Sama dengan data tersimpan"), IdentityReview.PENDING: _l("Menunggu pemeriksaan"),
    IdentityReview.ACCEPTED: _l("Diterima"), IdentityReview.DISMISSED: _l("Tidak dipakai")})


def _template_globals(state):
    from slrt.intake.queries import identity_panel
    state.app.jinja_env.globals.update(intake_identity_panel=identity_panel, IdentityReview=IdentityReview)


bp.record_once(_template_globals)
