"""`flask privacy retention [--dry-run]`: the nightly retention job (a systemd timer runs it)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from slrt.extensions import db

privacy_cli = AppGroup("privacy", help="Kewajiban pelindungan data pribadi (UU 27/2022).")


@privacy_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Hanya hitung apa yang akan dianonimkan atau dihapus.")
def retention(dry_run: bool) -> None:
    """Anonymise closed cases and ended proposals without a case, and remove their attachments, ended
    proposals' attachments, unneeded household surveys, signed meeting minutes and old registry extracts past each
    district's own periods (a deactivated district's too), audit rows and webhook deliveries past the longest of
    them, and files no row names; print what was done."""
    from slrt.core.uploads import discard_failures
    from slrt.privacy.operations import run_retention
    report = run_retention(dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()  # only now are the removed files deleted (a failed run keeps them all)
        report.files_not_deleted = len(discard_failures())
    for line in report.lines():
        click.echo(line)
