"""`flask outbox send` (one pass) and `flask outbox run` (a worker that keeps retrying)."""
from __future__ import annotations

import time

import click
from flask import current_app

from slrt.extensions import db
from slrt.notifications.routes import bp
from slrt.notifications.dispatch import send_due

SUMMARY = ("Outbox: sent {sent}, logged {logged}, to retry {retry}, failed {failed}, outcome unknown {unknown}, "
           "kept (training) {training}")


@bp.cli.command("send")
@click.option("--limit", default=200, show_default=True, help="At most this many messages in this pass.")
def send_once(limit):
    """Send the messages that are due now (new ones and retries whose wait is over)."""
    app = current_app._get_current_object()
    counts = send_due(app, limit=limit)
    click.echo(SUMMARY.format(**counts))
    for line in _other_passes(app):
        click.echo(line)
    db.session.remove()


def _other_passes(app):
    """What other features send through this worker (webhook deliveries): one summary line each."""
    for run_pass in app.extensions.get("slrt.outbox_passes", ()):
        try:
            line = run_pass(app)
        except Exception as error:  # one feature's failure must not stop the citizens' messages
            line = f"{getattr(run_pass, '__module__', '?')}: pass failed: {error}"
        if line:
            yield line


@bp.cli.command("run")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between passes.")
@click.option("--passes", default=0, help="Stop after this many passes (0: run until stopped).")
def run_worker(interval, passes):
    """Keep sending: one pass every --interval seconds, until stopped (Ctrl-C or SIGTERM)."""
    app = current_app._get_current_object()
    done = 0
    try:
        while True:
            counts = send_due(app)
            if any(counts.values()):
                click.echo(SUMMARY.format(**counts))
            for line in _other_passes(app):
                click.echo(line)
            done += 1
            if passes and done >= passes:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Outbox worker stopped.")
