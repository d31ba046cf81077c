"""`flask registry import FILE` and `flask dev synth`."""
from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from slrt.core.time import local_today
from slrt.extensions import db

registry_cli = AppGroup("registry", help="The welfare registry extract (DTKS/DTSEN).")
dev_cli = AppGroup("dev", help="Development and benchmark helpers (never needed in production).")


def parse_mapping(pairs, skipped=()) -> dict[str, str]:
    """--map KOLOM=isian (the field by its label, a known column name, or its id) and --skip KOLOM."""
    from slrt.core.labels import LABELS
    from slrt.registry.columns import FIELDS, SKIP, field_from_words
    mapping = {}
    for pair in pairs:
        column, sep, words = pair.partition("=")
        field = field_from_words(words) if sep and column.strip() else None
        if field is None:
            labels = "; ".join(LABELS.label("RegistryField", f) for f in FIELDS)
            raise click.BadParameter(_("%(pair)s: tulis KOLOM=isian, isian salah satu dari: %(labels)s.",
                                       pair=pair, labels=labels), param_hint="--map")
        mapping[column.strip()] = field
    for column in skipped:
        mapping[column.strip()] = SKIP
    return mapping


def explain_mapping(need) -> str:
    """What the command line says when columns are unknown: each with the fields it might be, by label."""
    from slrt.core.labels import LABELS

    def label(field):
        return LABELS.label("RegistryField", field)
    lines = [_("Belum ada data yang diimpor.")]
    if need.unknown:
        lines.append(_("Kolom yang tidak dikenali:"))
        for header in need.unknown:
            maybe = need.suggestions.get(header) or []
            lines.append(f"  {header}: " + (_("mungkin %(fields)s", fields=" / ".join(label(f) for f in maybe))
                                             if maybe else _("tidak ada isian yang mirip")))
    if need.missing:
        lines.append(_("Isian wajib tanpa kolom: %(fields)s.", fields=", ".join(label(f) for f in need.missing)))
    if need.twice:
        lines.append(_("Dua kolom dipetakan ke isian yang sama: %(fields)s.",
                       fields=", ".join(label(f) for f in need.twice)))
    example = need.unknown[0] if need.unknown else "KOLOM"
    guess = (need.suggestions.get(example) or ["decile"])[0]
    lines.append(_("Tentukan isi setiap kolom dengan --map \"%(column)s=%(label)s\", atau abaikan dengan --skip "
                   "\"%(column)s\".", column=example, label=label(guess)))
    return "\n".join(lines)


@registry_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--map", "pairs", multiple=True, metavar="KOLOM=isian",
              help="Say which field an unknown column is (the field's Indonesian label, e.g. \"DESIL_X=Desil\").")
@click.option("--skip", "skipped", multiple=True, metavar="KOLOM", help="Leave this column out of the import.")
@click.option("--extract-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date of the extract (default: today).")
@click.option("--user", "username", default=None, help="Record the import under this account.")
@click.option("--district", default=None, metavar="NN.NN",
              help="The kabupaten/kota whose extract it is (default: the account's district, else "
                   "SLRT_REGION_CODE). Only that district's registry is compared and replaced.")
@click.option("--chunk", default=None, type=int, help="Rows per committed chunk.")
@click.option("--pipelined/--single-process", default=True, show_default=True,
              help="Validate in a second process while this one writes.")
@click.option("--nice", "niceness", default=10, show_default=True,
              help="Lower the import's CPU priority by this much, so the portal's requests go first.")
def import_command(path, pairs, skipped, extract_date, username, district, chunk, pipelined, niceness):
    """Import a CSV or XLSX extract, all or nothing, while the portal keeps running."""
    from sqlalchemy import select

    from slrt.auth.models import User
    from slrt.registry.columns import MappingNeeded
    from slrt.registry.importer import (CHUNK_ROWS, ImportBusy, ImportCancelled, OtherDistrict, import_district,
                                        inspect_extract, run_import, start_import)
    from slrt.regions.districts import district_of, hosted_districts
    mapping = parse_mapping(pairs, skipped)
    user = db.session.scalar(select(User).where(User.username == username)) if username else None
    if username and user is None:
        raise click.ClickException(_("Akun %(name)s tidak ada.", name=username))
    if district and district not in {row.code for row in hosted_districts()}:
        raise click.ClickException(_("Kabupaten/kota %(code)s tidak dilayani di server ini.", code=district))
    if district and user is not None and district_of(user) not in (None, district):
        raise click.ClickException(_("Akun %(name)s bekerja di kabupaten/kota %(own)s, bukan %(code)s.",
                                     name=username, own=district_of(user), code=district))
    district = import_district(user, district)
    if niceness:
        os.nice(niceness)  # the counter's requests first; the import takes what is left of the CPU
    try:
        inspection = inspect_extract(path, mapping, district)
    except MappingNeeded as need:
        raise click.ClickException(explain_mapping(need)) from None
    except OtherDistrict as other:
        raise click.ClickException(str(other)) from None
    for notice in inspection.notices:  # said once, before the rows; the rejected rows keep their reasons
        click.echo(_("Perhatian: %(notice)s", notice=notice), err=True)
    try:
        row = start_import(path, user, extract_date.date() if extract_date else local_today(), mapping, district)
        db.session.commit()
    except ImportBusy as busy:
        raise click.ClickException(str(busy)) from None
    import_id = row.id
    db.session.close()
    bar = {"shown": 0}
    with click.progressbar(length=row.total_rows or 1, label=f"Import {import_id}", show_pos=True,
                           item_show_func=lambda p: p) as progress_bar:
        def show(progress):
            if progress_bar.length != max(progress.total, 1):
                progress_bar.length = max(progress.total, 1)
            progress_bar.update(progress.processed - bar["shown"],
                                f"{progress.rate:,.0f} rows/s, {progress.rejected:,} rejected")
            bar["shown"] = progress.processed
        try:
            result = run_import(import_id, path, mapping=mapping, chunk_size=chunk or CHUNK_ROWS, progress_cb=show,
                                pipelined=pipelined)
        except (ImportCancelled, OtherDistrict) as stopped:
            raise click.ClickException(str(stopped)) from None
    click.echo(f"Import {import_id} done: {result.accepted:,} people in {result.households:,} households, "
               f"{result.rejected:,} rejected, {result.rate:,.0f} rows/s.")
    current_app.logger.info("registry import %s done: %s accepted, %s rejected", import_id, result.accepted,
                            result.rejected)


@registry_cli.command("changes")
@click.argument("import_id", type=int)
def changes_command(import_id):
    """Compare a completed import with the previous one again (joined, left, desil, programmes, moved)."""
    from slrt.registry.changes import AlreadyCompared
    from slrt.registry.importer import compare_import
    from slrt.registry.models import ImportStatus, RegistryImport
    row = db.session.get(RegistryImport, import_id)
    if row is None or row.status != ImportStatus.DONE:
        raise click.ClickException(_("Impor no. %(id)d tidak ada atau belum selesai.", id=import_id))
    try:
        result = compare_import(import_id)
    except AlreadyCompared:
        raise click.ClickException(_("Impor no. %(id)d sudah dibandingkan; data versi sebelumnya sudah "
                                     "dirapikan, jadi tidak dapat dibandingkan ulang.", id=import_id)) from None
    finally:
        db.session.close()
    if result.previous_id is None:
        click.echo(_("Impor no. %(id)d adalah impor pertama: tidak ada pembanding.", id=import_id))
        return
    click.echo(_("Impor no. %(id)d dibandingkan dengan impor no. %(previous)d dalam %(seconds).1f detik.",
                 id=import_id, previous=result.previous_id, seconds=result.seconds))
    for kind, count in sorted(result.counts.items()):
        click.echo(f"  {kind}: {count:,}")
    click.echo(_("Versi lama data yang sama dihapus dalam %(seconds).1f detik.", seconds=result.compact_seconds))


@dev_cli.command("synth")
@click.option("--people", default=1000, show_default=True, help="How many people (whole households).")
@click.option("--seed", default=1, show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
@click.option("--delimiter", default=",", show_default=True)
def synth(people, seed, out, delimiter):
    """Write a realistic made-up extract of the district (valid NIKs on its real kecamatan codes)."""
    from slrt.regions.models import Region, RegionLevel, region_prefix_match
    from slrt.registry.synth import write_extract
    district = current_app.config["SLRT_REGION_CODE"]
    villages = list(db.session.scalars(db.select(Region.code).where(
        region_prefix_match(Region.code, district), Region.level == RegionLevel.VILLAGE,
        Region.active.is_(True)).order_by(Region.code)))
    if not villages:
        raise click.ClickException(f"No desa under {district}: run `flask regions load` first.")
    written = write_extract(out, villages, people, seed, "\t" if delimiter == "tab" else delimiter)
    click.echo(f"{written:,} people written to {out}")


def register(app) -> None:
    app.cli.add_command(registry_cli)
    app.cli.add_command(dev_cli)
