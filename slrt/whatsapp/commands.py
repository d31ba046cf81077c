"""`flask wa purge`: forget conversations' text after SLRT_WA_RETENTION_DAYS (run nightly)."""
from __future__ import annotations

import click
from flask import current_app

from slrt.extensions import db
from slrt.whatsapp.operations import purge
from slrt.whatsapp.routes import bp


@bp.cli.command("purge")
@click.option("--days", type=int, default=None, help="Keep this many days (default: SLRT_WA_RETENTION_DAYS).")
def purge_command(days):
    """Remove WhatsApp messages older than the retention, and conversations left empty."""
    keep = days if days is not None else int(current_app.config.get("SLRT_WA_RETENTION_DAYS") or 90)
    removed = purge(keep)
    db.session.commit()
    click.echo(f"WhatsApp: {removed} messages older than {keep} days removed")
