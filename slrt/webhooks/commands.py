"""`flask webhooks deliver`: one pass over the deliveries that are due (the outbox worker runs the same pass
after each of its own, so a server needs no second daemon)."""
from __future__ import annotations

import click
from flask import current_app

from slrt.extensions import db
from slrt.webhooks.delivery import deliver_due
from slrt.webhooks.routes import bp


@bp.cli.command("deliver")
@click.option("--limit", default=200, show_default=True, help="At most this many deliveries in this pass.")
def deliver_command(limit):
    """Post the webhook deliveries that are due now (new ones and retries whose wait is over)."""
    counts = deliver_due(current_app._get_current_object(), limit=limit)
    db.session.remove()
    click.echo("Webhooks: delivered {delivered}, to retry {retry}, failed {failed}".format(**counts))
