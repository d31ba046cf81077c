"""`flask district add`: host another kabupaten/kota in this database."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from slrt.core.errors import DomainError
from slrt.extensions import db

district_cli = AppGroup("district", help="Districts hosted in this database.")


@district_cli.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--admin", "admin_username", required=True, help="Username of the district's first administrator.")
@click.option("--admin-name", default=None, help="The administrator's full name (defaults to the username).")
def add(code, name, admin_username, admin_name):
    """Add district CODE (NN.NN) named NAME with its starting lists and first administrator."""
    from slrt.regions.operations import add_district
    try:
        district, admin, password = add_district(code.strip(), name, admin_username, admin_name or admin_username)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message))
    db.session.commit()
    click.echo(f"District {district.code} {district.name} added; administrator {admin.username}, "
               f"one-time password (shown once): {password}")


@district_cli.command("list")
def list_districts():
    """The districts hosted in this database."""
    from slrt.regions.districts import hosted_districts
    for district in hosted_districts():
        click.echo(f"{district.code}\t{district.name}\t{'active' if district.active else 'inactive'}")


def register(app: Flask) -> None:
    app.cli.add_command(district_cli)
