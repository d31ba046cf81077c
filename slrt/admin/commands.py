"""`flask reference load`: the district's starting lists, which `make run` loads."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from slrt.extensions import db

reference_cli = AppGroup("reference", help="The district's starting lists.")


@reference_cli.command("load")
def load_reference():
    """Insert the starting lists (agencies, programmes, categories, documents) where missing."""
    from slrt.admin.reference import load_reference_data
    added = load_reference_data()
    db.session.commit()
    click.echo("Reference data: " + ", ".join(f"{k} +{v}" for k, v in added.items()))


def register(app: Flask) -> None:
    app.cli.add_command(reference_cli)
