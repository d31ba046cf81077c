"""`flask lapor sync`: pull the complaints SP4N-LAPOR! dispositioned to the office (run by slrt-lapor.timer)."""
from __future__ import annotations

import sys

import click
from flask import current_app
from sqlalchemy import select

from slrt.extensions import db
from slrt.lapor.client import client_for
from slrt.lapor.operations import sync
from slrt.lapor.routes import bp
from slrt.regions.districts import district_of, working_in


@bp.cli.command("sync")
def sync_command():
    """Pull new complaints from SP4N-LAPOR!, register them as cases, queue their acknowledgements."""
    from slrt.admin.models import ComplaintCategory
    from slrt.auth.models import User
    app = current_app._get_current_object()
    client = client_for(app)
    if client is None:
        click.echo("LAPOR!: SLRT_LAPOR_URL and SLRT_LAPOR_TOKEN are not set; nothing to do.")
        return
    username = app.config.get("SLRT_LAPOR_USER") or ""
    actor = db.session.scalar(select(User).where(User.username == username)) if username else None
    if actor is None or actor.region_code != district_of(actor):
        click.echo("LAPOR!: SLRT_LAPOR_USER must name an active account of the district office.", err=True)
        sys.exit(2)
    # Set but empty: no fallback, a report whose "kategori" the district does not know waits for the back office.
    code = app.config.get("SLRT_LAPOR_CATEGORY")
    code = "LAINNYA" if code is None else code
    with working_in(actor.region_code):  # the reports land in the account's district, with its categories
        category_id = (db.session.scalar(select(ComplaintCategory.id).where(ComplaintCategory.code == code))
                       if code else None)
        if code and category_id is None:
            click.echo(f"LAPOR!: no complaint category with the code {code} (SLRT_LAPOR_CATEGORY).", err=True)
            sys.exit(2)
        result = sync(client, actor, category_id)
    db.session.remove()
    click.echo(f"LAPOR!: {len(result.created)} new cases, {result.duplicates} already here, "
               f"{len(result.needs_data)} without usable data, {result.invalid} unreadable")
    if result.error:
        click.echo(f"LAPOR!: stopped early, the rest comes with the next run: {result.error}", err=True)
        sys.exit(1)
