"""`flask handling autoclose`: close resolved cases whose auto-close day has passed (run daily by the
slrt-autoclose timer)."""
from __future__ import annotations

import click
from sqlalchemy import select

from slrt.cases.models import Case, CaseStatus
from slrt.core.db import immediate_transactions
from slrt.core.time import local_today
from slrt.extensions import db
from slrt.handling import operations
from slrt.handling.routes import bp


@bp.cli.command("autoclose")
def autoclose() -> None:
    """Close every resolved case past its auto-close day; each in its own short transaction."""
    today, closed = local_today(), 0
    ids = db.session.scalars(select(Case.id).where(Case.status == CaseStatus.RESOLVED)).all()
    db.session.rollback()
    for case_id in ids:
        with immediate_transactions():
            case = db.session.get(Case, case_id, with_for_update=True, populate_existing=True)
            if case is not None and operations.auto_close(case, today):
                closed += 1
            db.session.commit()
    click.echo(f"Cases closed automatically: {closed}")
