"""Keeping one server healthy: backups that have been restored at least once (`flask backup`,
`flask restore --verify`) and a guard against the SQLite file being deleted or replaced under a running
portal. The production kit that runs these (systemd units, the nginx site) lives in deploy/."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.maintenance import database_file
    from slrt.maintenance.commands import backup_command, restore_command

    database_file.init_app(app)
    app.extensions.setdefault("slrt.health_checks", []).append(database_file.file_problem)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
