"""Pendaftaran: registering a visit by NIK at the counter, in the Puskesos or on a home visit."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import panels
    from slrt.core import permissions as can_registry
    from slrt.core.labels import LABELS
    from slrt.intake import permissions, routes
    from slrt.intake.models import IdentityReview
    from slrt.intake.panels import identity_panel
    from slrt.intake.permissions import can_register
    from slrt.shell import nav

    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    nav.register(10, "intake.new", _l("Pendaftaran Baru"), can_register, nav.MenuGroup.CASES)
    LABELS.register("IdentityField", {
        "name": _l("Nama"), "birth_place": _l("Tempat lahir"), "birth_date": _l("Tanggal lahir"),
        "sex": _l("Jenis kelamin"), "phone": _l("Nomor HP"), "kk_number": _l("No. KK"), "address": _l("Alamat"),
        "rt": "RT", "rw": "RW", "region_code": _l("Desa/kelurahan"), "members": _l("Anggota rumah tangga")})
    LABELS.register(IdentityReview, {
        IdentityReview.SAME: _l("Sama dengan data tersimpan"), IdentityReview.PENDING: _l("Menunggu pemeriksaan"),
        IdentityReview.ACCEPTED: _l("Diterima"), IdentityReview.DISMISSED: _l("Tidak dipakai")})
    panels.register(app, "case", "identity", 10, "intake/_identity_review.html", identity_panel)
    app.jinja_env.globals.update(IdentityReview=IdentityReview)
