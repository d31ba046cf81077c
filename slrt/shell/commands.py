"""`flask demo seed`: the demo district that `make run` sets up (never in production); `flask demo reset`:
the starting data again, for the next round of a training (only in training or development)."""
from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import delete, func, select

from slrt.extensions import db

demo_cli = AppGroup("demo", help="The demo district (never in production).")

DEMO_ACCOUNTS = [
    # username, role, full name, region suffix (relative to the district), agency code
    ("admin", "admin", "Admin Dinas Sosial", "", None),
    ("loket", "front_office", "Siti Rahmawati", "", None),
    ("puskesos", "puskesos_operator", "Dedi Kurniawan", "VILLAGE", None),
    ("backoffice", "back_office", "Rina Marlina", "", None),
    ("manajer", "supervisor", "Drs. Agus Setiawan, M.Si.", "", None),
    ("dinkes", "agency_liaison", "dr. Maya Sari", "", "DINKES"),
    ("fasilitator", "facilitator", "Yusuf Hidayat", "DISTRICT", None),
    ("provinsi", "provincial_officer", "Hendra Gunawan", "PROVINCE", None),
]
DEMO_SEED = 20261128
KEEP_TABLES = {"regions", "alembic_version"}


def demo_regions() -> dict[str, str]:
    from slrt.regions.operations import children
    district = current_app.config["SLRT_REGION_CODE"]
    kecamatan = children(district)
    if not kecamatan:
        raise click.ClickException(f"No kecamatan under {district}: run `flask regions load` first.")
    villages = children(kecamatan[0].code)
    return {"": district, "DISTRICT": kecamatan[0].code, "VILLAGE": villages[0].code,
            "PROVINCE": district[:2]}


def _create_accounts(password: str):
    from slrt.admin.models import Agency
    from slrt.auth.operations import create_user
    from slrt.core.errors import DomainError
    regions = demo_regions()
    agencies = {a.code: a.id for a in db.session.scalars(select(Agency))}
    users = {}
    for username, role, name, where, agency in DEMO_ACCOUNTS:
        try:
            users[username] = create_user(username=username, full_name=name, role=role, region_code=regions[where],
                                          password=password, agency_id=agencies.get(agency) if agency else None,
                                          nip="19800101 200501 1 001" if role == "supervisor" else "")
        except DomainError as error:  # e.g. a SLRT_DEMO_PASSWORD that the password rules refuse
            db.session.rollback()
            raise click.ClickException(f"{username}: {error.message}")
    return users


def _letterhead(admin) -> None:
    """The district's letter settings, as an administrator fills them on the first day (the logo is left for the
    administrator's home page to ask for)."""
    from slrt.admin import settings
    name = current_app.config["SLRT_REGION_NAME"]
    values = {"letter_signer_name": "Drs. Agus Setiawan, M.Si.", "letter_signer_nip": "19800101 200501 1 001",
              "letter_signer_title": "Kepala Dinas Sosial",
              "letterhead_lines": f"PEMERINTAH {name.upper()}\nDINAS SOSIAL",
              "letterhead_address": "Jl. Raya Soreang No. 17, Soreang 40911", "letterhead_phone": "(022) 5891234",
              "letter_place": "Soreang" if current_app.config["SLRT_REGION_CODE"] == "32.04"
              else settings.default_place(name)}
    for key, value in values.items():
        settings.put(key, value, admin)


def seed_demo(password: str, seed: int = DEMO_SEED, cases: int | None = None) -> dict:
    """Accounts, letter settings and six months of a district's work (slrt.shell.demo). Commits."""
    from slrt.regions.operations import children
    from slrt.shell import demo
    users = _create_accounts(password)
    _letterhead(users["admin"])
    db.session.commit()
    district = current_app.config["SLRT_REGION_CODE"]
    villages = {k.code: [v.code for v in children(k.code)[:demo.VILLAGES]]
                for k in children(district)[:demo.KECAMATAN]}
    categories, agencies, programmes = demo.lists_by_code()
    cast = demo.Cast(counter=users["loket"], puskesos=users["puskesos"], officer=users["backoffice"],
                     signer=users["manajer"], liaison=users["dinkes"], facilitator=users["fasilitator"],
                     categories=categories, agencies=agencies, programmes=programmes)
    app = current_app._get_current_object()
    dispatch = app.config.get("SLRT_OUTBOX_DISPATCH")
    app.config["SLRT_OUTBOX_DISPATCH"] = "off"  # no message of a made-up citizen leaves while the seed runs
    try:
        made = demo.seed_district(cast, seed, villages, cases if cases is not None else demo.CASES)
    finally:
        app.config["SLRT_OUTBOX_DISPATCH"] = dispatch
    from slrt.notifications.dispatch import settle_demo_outbox
    made["messages"] = settle_demo_outbox(app)
    return made


@demo_cli.command("seed")
@click.option("--if-new", is_flag=True, help="Do nothing when the database already has accounts.")
@click.option("--seed", "seed", default=DEMO_SEED, show_default=True, help="The random seed of the district.")
@click.option("--cases", default=None, type=int, help="How many visits (default 300).")
def seed(if_new, seed, cases):
    """Create one demo account per role and six months of a district's work (password from
    SLRT_DEMO_PASSWORD, else generated and printed once)."""
    from slrt.auth.models import User
    from slrt.auth.operations import generate_password
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("Demo data is never created when SLRT_ENV=production.")
    if db.session.scalar(select(func.count()).select_from(User)):
        if if_new:
            click.echo("Accounts exist already: no demo data added.")
            return
        raise click.ClickException("The database already has accounts.")
    _seed_and_report(generate_password, seed, cases)


def _seed_and_report(generate_password, seed: int, cases: int | None) -> None:
    password = current_app.config.get("SLRT_DEMO_PASSWORD") or generate_password()
    started = time.monotonic()
    made = seed_demo(password, seed, cases)
    click.echo("Demo accounts created (one per role): " + ", ".join(a[0] for a in DEMO_ACCOUNTS))
    click.echo("Demo district: " + ", ".join(f"{key} {value}" for key, value in sorted(made.items()))
               + f" ({time.monotonic() - started:.0f} s)")
    if not current_app.config.get("SLRT_DEMO_PASSWORD"):
        click.echo(f"Demo password (shown once, keep it): {password}")


@demo_cli.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--seed", "seed", default=DEMO_SEED, show_default=True, help="The random seed of the district.")
@click.option("--cases", default=None, type=int, help="How many visits (default 300).")
def reset(yes, seed, cases):
    """Throw away everything recorded and put the starting demo district back (training and development only)."""
    from slrt.auth.operations import generate_password
    env = current_app.config.get("SLRT_ENV", "development")
    if env not in ("training", "development"):
        raise click.ClickException(f"`flask demo reset` erases every record: refused when SLRT_ENV={env}.")
    if not yes:
        click.confirm("Every case, person, letter and account is erased and the demo district put back. Go on?",
                      abort=True)
    erase_everything()
    from slrt.admin.reference import load_reference_data
    load_reference_data()
    db.session.commit()
    _seed_and_report(generate_password, seed, cases)


def erase_everything() -> None:
    """Delete every row but the region codes and the schema version, children first. Commits."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in KEEP_TABLES:
            db.session.execute(delete(table))
    db.session.commit()



def register(app: Flask) -> None:
    app.cli.add_command(demo_cli)
