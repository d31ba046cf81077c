"""`flask privacy retention [--dry-run]`: the nightly retention job (a systemd timer runs it)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from slrt.extensions import db

privacy_cli = AppGroup("privacy", help="Kewajiban pelindungan data pribadi (UU 27/2022).")


@privacy_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Hanya hitung apa yang akan dianonimkan atau dihapus.")
def retention(dry_run: bool) -> None:
    """Anonymise closed cases and remove their attachments and old registry extracts past each hosted district's
    own periods, and audit rows and webhook deliveries past the longest of them; print what was done."""
    from slrt.privacy.operations import run_retention
    report = run_retention(dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for line in report.lines():
        click.echo(line)
