"""`flask reports summarise`: pre-count cases per past month for the trend chart (run nightly)."""
from __future__ import annotations

import click

from slrt.core.db import immediate_transactions
from slrt.extensions import db
from slrt.reports.routes import bp


@bp.cli.command("summarise")
@click.option("--all", "all_months", is_flag=True, help="Recount every month, not only the new ones.")
def summarise_command(all_months: bool) -> None:
    """Pre-count cases per month (months that are over) for the dashboard's trend."""
    from slrt.reports.operations import summarise
    with immediate_transactions():
        counted = summarise(all_months)
        db.session.commit()
    click.echo(f"{len(counted)} months counted, {sum(counted.values())} cases.")
