import click
from flask import current_app

from slrt.extensions import db
from slrt.regions.routes import bp
from slrt.regions.operations import DATASET_VERSION, load_regions

bp.cli.short_help = "Kemendagri region codes."


@bp.cli.command("load")
@click.option("--data-dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="A folder with provinces.csv, regencies.csv, districts.csv, villages.csv.")
@click.option("--version", "version", default=DATASET_VERSION, help="Dataset version to record.")
def load(data_dir, version):
    """Load or reload the region dataset (codes kept, renamed, retired; never deleted)."""
    from pathlib import Path

    from slrt.core.db import immediate_transactions
    from slrt.regions.operations import DATA_DIR
    with immediate_transactions():
        report = load_regions(Path(data_dir) if data_dir else DATA_DIR, version)
        db.session.commit()
    click.echo(f"Regions {version}: {report.added} added, {report.renamed} renamed, "
               f"{report.reactivated} reactivated, {report.retired} retired, {report.unchanged} unchanged.")
    current_app.logger.info("regions loaded: %s", report.as_dict())
