"""`flask reference load`: the district's starting lists, which `make run` loads."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from slrt.extensions import db

reference_cli = AppGroup("reference", help="The district's starting lists.")


@reference_cli.command("load")
@click.option("--district", default=None, help="District code NN.NN; defaults to SLRT_REGION_CODE.")
def load_reference(district):
    """Insert the starting lists (agencies, programmes, categories, documents) where missing."""
    from flask import current_app

    from slrt.admin.reference import load_reference_data
    from slrt.regions.districts import working_in
    with working_in(district or current_app.config["SLRT_REGION_CODE"]):
        added = load_reference_data()
    db.session.commit()
    click.echo("Reference data: " + ", ".join(f"{k} +{v}" for k, v in added.items()))


def register(app: Flask) -> None:
    app.cli.add_command(reference_cli)
