"""`flask forms purge`: forget one-time form ids older than 30 days (run nightly from cron)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from slrt.core.db import immediate_transactions
from slrt.extensions import db
from slrt.submissions import operations

forms_cli = AppGroup("forms", help="One-time form ids.")


@forms_cli.command("purge")
@click.option("--days", default=operations.KEEP_DAYS, show_default=True, type=click.IntRange(min=1),
              help="Keep the form ids of this many last days.")
def purge(days: int) -> None:
    """Forget form ids older than --days days: a repeat of such an old form is carried out again."""
    with immediate_transactions():
        removed = operations.purge(days)
        db.session.commit()
    click.echo(f"Form ids removed: {removed}")
