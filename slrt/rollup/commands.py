"""`flask rollup keygen|export|trust|import`: the district server signs its months, the province checks them."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from slrt.core.errors import DomainError
from slrt.extensions import db
from slrt.rollup import operations, signing

rollup_cli = AppGroup("rollup", help="Signed monthly aggregate files (district to province).")


def _key_path() -> Path:
    return Path(current_app.config["SLRT_ROLLUP_KEY_FILE"])


@rollup_cli.command("keygen")
def keygen():
    """Create the district's signing key (SLRT_ROLLUP_KEY_FILE, 0600) and its public key file (.pub)."""
    path = _key_path()
    if path.exists():
        raise click.ClickException(f"{path} exists already; a new key needs the province to trust it again.")
    public = signing.public_text(signing.new_key_file(path))
    path.with_suffix(".pub").write_text(public + "\n")
    click.echo(f"Private key: {path}\nPublic key ({path.with_suffix('.pub')}), send it to the province:\n{public}")


@rollup_cli.command("export")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
@click.option("--district", default=None, help="District code NN.NN; defaults to SLRT_REGION_CODE.")
def export(month, out, district):
    """Write the signed aggregate file of a month (counts only, no personal data)."""
    try:
        signed = operations.export_month(month, signing.load_key_file(_key_path()), district)
    except (DomainError, FileNotFoundError, ValueError) as error:
        raise click.ClickException(str(getattr(error, "message", error)))
    Path(out).write_bytes(signing.canonical(signed))
    click.echo(f"{out}: {signed['district_code']} {month}, {len(signed['kecamatan'])} kecamatan")


@rollup_cli.command("trust")
@click.argument("district_code")
@click.argument("pubkey_file", type=click.Path(exists=True, dir_okay=False))
def trust(district_code, pubkey_file):
    """Accept the files signed with this public key as the district's."""
    try:
        operations.trust_district(district_code, Path(pubkey_file).read_text())
    except DomainError as error:
        raise click.ClickException(str(error.message))
    db.session.commit()
    click.echo(f"Trusted {district_code}.")


@rollup_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_(path):
    """Check a district's file against its registered key and keep it."""
    try:
        stored = operations.import_file(Path(path).read_bytes())
    except DomainError as error:
        raise click.ClickException(str(error.message))
    db.session.commit()
    click.echo(json.dumps({"district": stored.district_code, "month": stored.month}))
