"""`flask backup` (run nightly by deploy/systemd/slrt-backup.timer) and `flask restore --verify FILE`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from slrt.maintenance import backups


@click.command("backup")
@click.option("--dir", "folder", type=click.Path(file_okay=False), default=None,
              help="Folder of the backups (default: SLRT_BACKUP_DIR).")
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="Keep the newest backup of this many days (default: SLRT_BACKUP_KEEP_DAYS).")
@with_appcontext
def backup_command(folder: str | None, keep: int | None) -> None:
    """Back the database up while the portal runs, then remove backups beyond the kept days."""
    config = current_app.config
    target = Path(folder or config["SLRT_BACKUP_DIR"])
    try:
        result = backups.make_backup(config["SQLALCHEMY_DATABASE_URI"], target, keep or config["SLRT_BACKUP_KEEP_DAYS"])
    except backups.BackupError as error:
        click.echo(f"Backup failed: {error}", err=True)
        sys.exit(1)
    click.echo(f"Backup written: {result.path} ({result.size / 1024 / 1024:.1f} MB)")
    for path in result.removed:
        click.echo(f"Old backup removed: {path.name}")


@click.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--verify", is_flag=True, help="Restore into a scratch database, check it and count its rows.")
@click.option("--scratch-dir", type=click.Path(file_okay=False), default=None,
              help="Where a SQLite backup is restored for the check (default: the system's temporary folder).")
@with_appcontext
def restore_command(backup: Path, verify: bool, scratch_dir: str | None) -> None:
    """Prove that BACKUP can be restored: load it into a scratch database, check integrity, print row counts."""
    if not verify:
        click.echo("Only `flask restore --verify FILE` is done by the portal: it never overwrites the live "
                   "database. To put a backup in place, stop the portal and follow the README "
                   "(\"Backups and restore\").", err=True)
        sys.exit(2)
    live_url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        report = backups.verify(backup, live_url, scratch_dir)
    except backups.BackupError as error:
        click.echo(f"Restore failed: {error}", err=True)
        sys.exit(1)
    try:
        live = backups.count_rows(live_url)
    except Exception:  # the live database may be down: that is when a restore is checked most
        live = {}
    click.echo(f"Backup: {backup}")
    click.echo(f"Schema revision: {report.schema_revision or '(none)'}")
    click.echo(f"{'table':<32} {'in backup':>12} {'live now':>12}")
    for table, count in report.counts.items():
        now = live.get(table)
        click.echo(f"{table:<32} {count:>12,} {'' if now is None else format(now, ','):>12}")
    click.echo(f"Integrity: {'ok' if report.ok else 'FAILED'}")
    for line in ([] if report.ok else report.integrity):
        click.echo(f"  {line}")
    if not report.ok:
        sys.exit(1)
