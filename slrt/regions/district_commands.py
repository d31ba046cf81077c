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
@click.option("--office-name", default=None, help="The office's own name (default: SLRT Dinas Sosial NAME).")
@click.option("--public-host", default=None, help="The host name its public pages are opened on.")
@click.option("--whatsapp-number", default=None, help="Its citizens' WhatsApp number, with the country code.")
@click.option("--whatsapp-number-id", default=None,
              help="That number's WhatsApp Cloud API phone-number id: the district's notices leave from it "
                   "(default: SLRT_WA_PHONE_NUMBER_ID).")
def add(code, name, admin_username, admin_name, office_name, public_host, whatsapp_number, whatsapp_number_id):
    """Add district CODE (NN.NN) named NAME with its starting lists and first administrator."""
    from slrt.regions.operations import add_district
    try:
        district, admin, password = add_district(code.strip(), name, admin_username, admin_name or admin_username,
                                                 office_name=office_name, public_host=public_host,
                                                 whatsapp_number=whatsapp_number,
                                                 whatsapp_number_id=whatsapp_number_id)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message))
    db.session.commit()
    click.echo(f"District {district.code} {district.name} added; office {district.office_name or '-'}, "
               f"public host {district.public_host or '-'}, WhatsApp {district.whatsapp_number or '-'} "
               f"(number id {district.whatsapp_number_id or '-'}); "
               f"administrator {admin.username}, one-time password (shown once): {password}")


@district_cli.command("list")
def list_districts():
    """The districts hosted in this database (code, name, active, office name, public host, WhatsApp number and
    its number id)."""
    from slrt.regions.districts import hosted_districts
    every = hosted_districts(include_inactive=True)
    for district in [d for d in every if d.active] + [d for d in every if not d.active]:
        click.echo("\t".join((district.code, district.name, "active" if district.active else "inactive",
                              district.office_name or "-", district.public_host or "-",
                              district.whatsapp_number or "-", district.whatsapp_number_id or "-")))


def register(app: Flask) -> None:
    app.cli.add_command(district_cli)
