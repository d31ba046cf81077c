"""The case page's SP4N-LAPOR! panel: the tracking ID, the acknowledgement and follow-ups sent, and the
LAPOR! deadlines in working days (the district's calendar)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass
class Deadline:
    label: str
    due: date
    done_on: date | None  # when it was met (None: not yet)

    def state(self, today: date) -> str:
        """"done", "late_done", "open", "late"."""
        if self.done_on is not None:
            return "done" if self.done_on <= self.due else "late_done"
        return "open" if today <= self.due else "late"


def case_panel(case, user) -> dict | None:
    """The case page's LAPOR! panel (registered in slrt.core.panels): only for a case that came from LAPOR!."""
    return lapor_panel(case) or None


def lapor_panel(case) -> dict:
    from slrt.regions.districts import current_district
    from flask_babel import gettext as _
    from sqlalchemy import select

    from slrt.core.time import local_today, to_local
    from slrt.deadlines.calendar import add_working_days, district_days_off
    from slrt.extensions import db
    from slrt.lapor.models import CLOSE_DAYS, FOLLOW_UP_DAYS, VERIFY_DAYS, LaporReport
    from slrt.notifications.models import OutboxMessage, OutboxStatus
    report = db.session.scalar(select(LaporReport).where(LaporReport.case_id == case.id))
    if report is None:
        return {}
    days_off = district_days_off(current_district())
    steps = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.case_id == case.id, OutboxMessage.kind.in_(("lapor_ack", "lapor_follow_up")))
        .order_by(OutboxMessage.id)).all()
    ack = next((m for m in steps if m.kind == "lapor_ack"), None)
    acknowledged = to_local(ack.sent_at).date() if ack is not None and ack.status == OutboxStatus.SENT and ack.sent_at else None
    deadlines = [
        Deadline(_("Verifikasi (%(n)d hari kerja)", n=VERIFY_DAYS),
                 add_working_days(report.dispositioned_on, VERIFY_DAYS, days_off), acknowledged),
        Deadline(_("Tindak lanjut (%(n)d hari kerja)", n=FOLLOW_UP_DAYS),
                 add_working_days(report.dispositioned_on, FOLLOW_UP_DAYS, days_off), report.followed_up_on),
    ]
    if report.followed_up_on is not None:
        deadlines.append(Deadline(_("Ditutup otomatis oleh LAPOR! jika warga tidak menanggapi (%(n)d hari kerja)",
                                    n=CLOSE_DAYS),
                                  add_working_days(report.followed_up_on, CLOSE_DAYS, days_off), None))
    return {"report": report, "deadlines": deadlines, "steps": steps, "today": local_today()}
