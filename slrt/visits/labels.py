"""Labels of visit statuses, the housing codes a facilitator picks, and the visit steps on a case's history."""
from flask_babel import lazy_gettext as _l

from slrt.core.labels import LABELS
from slrt.visits.models import VisitStatus


def register() -> None:
    LABELS.register(VisitStatus, {
        VisitStatus.ASSIGNED: _l("Ditugaskan"),
        VisitStatus.DONE: _l("Sudah dikunjungi"),
        VisitStatus.CANCELLED: _l("Dibatalkan"),
    })
    LABELS.register("EventKind", {
        "visit_assigned": _l("Kunjungan rumah ditugaskan"),
        "visit_cancelled": _l("Kunjungan rumah dibatalkan"),
    })
    LABELS.register("Housing.ownership", {"own": _l("Milik sendiri"), "rent": _l("Sewa/kontrak"),
                                          "free": _l("Bebas sewa/menumpang"), "other": _l("Lainnya")})
    LABELS.register("Housing.floor", {"earth": _l("Tanah"), "bamboo": _l("Bambu"), "wood": _l("Kayu/papan"),
                                      "cement": _l("Semen/plester"), "tiles": _l("Keramik/ubin")})
    LABELS.register("Housing.walls", {"bamboo": _l("Bambu/anyaman"), "wood": _l("Kayu/papan"),
                                      "brick_bare": _l("Tembok tanpa plester"), "brick": _l("Tembok diplester")})
    LABELS.register("Housing.toilet", {"own": _l("Milik sendiri"), "shared": _l("Bersama"),
                                       "public": _l("Umum"), "none": _l("Tidak ada")})
    LABELS.register("Housing.water", {"piped": _l("Ledeng/PDAM"), "protected_well": _l("Sumur terlindung"),
                                      "unprotected_well": _l("Sumur tak terlindung"), "spring": _l("Mata air"),
                                      "river": _l("Sungai/air hujan"), "bought": _l("Air kemasan/isi ulang")})
    LABELS.register("Housing.lighting", {"pln_meter": _l("Listrik PLN dengan meteran"),
                                         "pln_shared": _l("Listrik PLN menumpang"),
                                         "non_pln": _l("Listrik non-PLN"), "none": _l("Bukan listrik")})
    LABELS.register("Housing.cooking_fuel", {"lpg": _l("Gas/elpiji"), "electric": _l("Listrik"),
                                             "kerosene": _l("Minyak tanah"), "wood": _l("Kayu bakar/arang"),
                                             "other": _l("Lainnya")})
