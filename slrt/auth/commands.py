import click
from flask import current_app
from flask.cli import AppGroup

from slrt.auth.models import Role
from slrt.core.errors import DomainError
from slrt.extensions import db

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create")
@click.option("--username", prompt=True)
@click.option("--name", "full_name", prompt="Full name")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ADMIN.value, show_default=True)
@click.option("--region", "region_code", default=None, help="Kemendagri code; defaults to the district's.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create(username, full_name, role, region_code, password):
    """Create an account (the first administrator in production)."""
    from slrt.auth.operations import create_user
    try:
        user = create_user(username=username, full_name=full_name, role=role,
                           region_code=region_code or current_app.config["SLRT_REGION_CODE"], password=password)
    except DomainError as error:
        raise click.ClickException(str(error.message))
    db.session.commit()
    click.echo(f"Created {user.username} ({user.role}, {user.region_code}).")
