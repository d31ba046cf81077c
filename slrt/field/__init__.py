"""Field mode: facilitators' tablets and phones, enrolled after an online login, each holding a block of
ticket numbers; the administrator sees and revokes them."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import permissions as can_registry
    from slrt.core.labels import LABELS
    from slrt.field import client, permissions, routes
    from slrt.field.models import ClashStatus, DeviceStatus, PhotoStatus, TicketState
    from slrt.field.permissions import can_manage_devices, can_resolve_clashes
    from slrt.shell import nav

    app.config.setdefault("SLRT_FIELD_TICKET_BLOCK", 20)
    app.register_blueprint(routes.bp)
    app.register_blueprint(client.bp)
    can_registry.register(app, permissions)
    nav.register(88, "field.devices", _l("Perangkat lapangan"), can_manage_devices, nav.MenuGroup.ADMIN)
    nav.register(45, "field.clashes", _l("Bentrok lapangan"), can_resolve_clashes, nav.MenuGroup.CASES)
    LABELS.register(DeviceStatus, {DeviceStatus.ACTIVE: _l("Aktif"), DeviceStatus.REVOKED: _l("Dicabut")})
    LABELS.register(ClashStatus, {ClashStatus.OPEN: _l("Belum diputuskan"), ClashStatus.RESOLVED: _l("Sudah diputuskan")})
    LABELS.register(PhotoStatus, {PhotoStatus.RECEIVING: _l("Sedang diterima"), PhotoStatus.STORED: _l("Tersimpan")})
    LABELS.register(TicketState, {TicketState.HELD: _l("Dipegang perangkat"), TicketState.USED: _l("Terpakai"),
                                  TicketState.RELEASED: _l("Dilepas")})
    LABELS.register("FieldClashField", {"needs": _l("Kebutuhan"), "documents": _l("Dokumen")})
    LABELS.register("EventKind", {"field_clash": _l("Bentrok data lapangan"),
                                  "field_clash_resolved": _l("Bentrok data lapangan diputuskan")})
    app.jinja_env.globals.update(DeviceStatus=DeviceStatus, ClashStatus=ClashStatus)
    from slrt.core import orphans
    from slrt.field.operations import PARTIAL_PHOTOS, partial_photo_names
    orphans.register("field.partial_photos", PARTIAL_PHOTOS, partial_photo_names,
                     pattern=r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.part")
