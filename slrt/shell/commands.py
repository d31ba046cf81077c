"""`flask demo seed`: the demo district that `make run` sets up (never in production)."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from slrt.extensions import db

demo_cli = AppGroup("demo", help="The demo district (never in production).")

DEMO_ACCOUNTS = [
    # username, role, full name, region suffix (relative to the district), agency code
    ("admin", "admin", "Admin Dinas Sosial", "", None),
    ("loket", "front_office", "Siti Rahmawati (Loket SLRT)", "", None),
    ("puskesos", "puskesos_operator", "Dedi Kurniawan (Puskesos)", "VILLAGE", None),
    ("backoffice", "back_office", "Rina Marlina (Back Office)", "", None),
    ("manajer", "supervisor", "Drs. Agus Setiawan (Manajer SLRT)", "", None),
    ("dinkes", "agency_liaison", "dr. Maya Sari (Dinas Kesehatan)", "", "DINKES"),
    ("fasilitator", "facilitator", "Yusuf Hidayat (Fasilitator)", "DISTRICT", None),
    ("provinsi", "provincial_officer", "Hendra Gunawan (Dinsos Provinsi)", "PROVINCE", None),
]


def demo_regions() -> dict[str, str]:
    from slrt.regions.operations import children
    district = current_app.config["SLRT_REGION_CODE"]
    kecamatan = children(district)
    if not kecamatan:
        raise click.ClickException(f"No kecamatan under {district}: run `flask regions load` first.")
    villages = children(kecamatan[0].code)
    return {"": district, "DISTRICT": kecamatan[0].code, "VILLAGE": villages[0].code,
            "PROVINCE": district[:2]}


@demo_cli.command("seed")
@click.option("--if-new", is_flag=True, help="Do nothing when the database already has accounts.")
def seed(if_new):
    """Create one demo account per role (password from SLRT_DEMO_PASSWORD, else generated and printed once)."""
    from slrt.admin.models import Agency
    from slrt.auth.models import User
    from slrt.auth.operations import create_user, generate_password
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("Demo data is never created when SLRT_ENV=production.")
    if db.session.scalar(select(func.count()).select_from(User)):
        if if_new:
            click.echo("Accounts exist already: no demo data added.")
            return
        raise click.ClickException("The database already has accounts.")
    password = current_app.config.get("SLRT_DEMO_PASSWORD") or generate_password()
    regions = demo_regions()
    agencies = {a.code: a.id for a in db.session.scalars(select(Agency))}
    from slrt.core.errors import DomainError
    for username, role, name, where, agency in DEMO_ACCOUNTS:
        try:
            create_user(username=username, full_name=name, role=role, region_code=regions[where],
                        password=password, agency_id=agencies.get(agency) if agency else None,
                        nip="19800101 200501 1 001" if role == "supervisor" else "")
        except DomainError as error:  # e.g. a SLRT_DEMO_PASSWORD that the password rules refuse
            db.session.rollback()
            raise click.ClickException(f"{username}: {error.message}")
    _demo_letterhead()
    db.session.commit()
    click.echo("Demo accounts created (one per role): " + ", ".join(a[0] for a in DEMO_ACCOUNTS))
    if not current_app.config.get("SLRT_DEMO_PASSWORD"):
        click.echo(f"Demo password (shown once, keep it): {password}")


def _demo_letterhead() -> None:
    """A complete letterhead and signer, so the demo's letters look like a district's."""
    from slrt.admin import settings
    region = current_app.config["SLRT_REGION_NAME"]
    for key, value in {"letterhead_lines": f"PEMERINTAH {region.upper()}\nDINAS SOSIAL",
                       "letterhead_address": "Jl. Raya Soreang No. 17, Soreang 40911",
                       "letterhead_phone": "022-5891234",
                       "letter_place": "Soreang" if current_app.config["SLRT_REGION_CODE"] == "32.04"
                       else settings.default_place(region),
                       "letter_signer_name": "Drs. Agus Setiawan, M.Si.", "letter_signer_nip": "19800101 200501 1 001",
                       "letter_signer_title": "Kepala Dinas Sosial"}.items():
        settings.put(key, value, None)


def register(app: Flask) -> None:
    app.cli.add_command(demo_cli)
