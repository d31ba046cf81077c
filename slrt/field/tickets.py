"""Reading the ticket blocks of field devices (reserving and releasing them is in `operations`). Intake asks
`reserved` before it gives a number at the counter: a number a device holds, or held, is never drawn there."""
from __future__ import annotations

from sqlalchemy import exists, select

from slrt.extensions import db
from slrt.field.models import DeviceTicket, TicketState


def reserved(ticket: str) -> bool:
    """A device holds (or held) this number."""
    return bool(db.session.scalar(select(exists().where(DeviceTicket.ticket == ticket))))


def held_by(device) -> list[str]:
    return list(db.session.scalars(select(DeviceTicket.ticket).where(
        DeviceTicket.device_id == device.id, DeviceTicket.state == TicketState.HELD).order_by(DeviceTicket.id)))
