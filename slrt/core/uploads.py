"""The one way a file enters the portal: judged by its content, bounded in size, kept outside static/.

Every upload is of a *kind* (a village-meeting's minutes and later a case's attachments are "document", the
letterhead "logo", a DTSEN extract "registry"). A kind says which contents it accepts (recognised by their
signatures, never by the file name, so a random file named `notulen.pdf` is refused), how large a file may
be (Config's SLRT_UPLOAD_LIMITS), and which folder under SLRT_UPLOAD_DIR holds it (instance/uploads by
default: files with personal data are served only through a permission-checked, audited route, never as
static files). A kept file gets a random name; the name it was uploaded with is only ever shown.
"""
from __future__ import annotations

import codecs
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from slrt.core.errors import DomainError

CHUNK = 1 << 16
HEAD = 1 << 16  # how much of the start of a file the signature checks look at

MIME_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png", "svg": "image/svg+xml",
              "csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# Anything that could make an SVG act rather than show (it is only ever shown as an image, but a logo has no
# business carrying any of this).
SVG_FORBIDDEN = re.compile(rb"<\s*script|<\s*foreignObject|<!ENTITY|<!DOCTYPE|javascript:|\son[a-z]+\s*=|"
                           rb"(?:xlink:)?href\s*=\s*[\"']\s*(?:https?:|//|data:text)", re.IGNORECASE)
# Control characters never found in a CSV or TXT export (tab, LF, FF, CR and DOS's end-of-file mark are)
BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")


@dataclass(frozen=True)
class Kind:
    types: tuple[str, ...]
    folder: str          # under SLRT_UPLOAD_DIR ("" is the folder itself)
    prefix: str          # of the stored name
    refused: str         # the message when the content is not one of `types`


KINDS = {
    "document": Kind(("pdf", "jpg", "png"), "musdes", "", _l("Berkas harus berupa PDF, JPG, atau PNG.")),
    "logo": Kind(("png", "jpg", "svg"), "", "logo-", _l("Logo harus berupa gambar PNG, JPEG atau SVG.")),
    "registry": Kind(("csv", "xlsx"), "registry", "", _l("Berkas harus CSV atau XLSX.")),
    # Scans and photos on a case (slrt/attachments): images are rewritten smaller and without their metadata,
    # and a thumbnail of each is kept beside them (never uploaded: made from the kept image).
    "attachment": Kind(("pdf", "jpg", "png"), "lampiran", "", _l("Lampiran harus berupa foto JPG/PNG atau PDF.")),
    "thumbnail": Kind(("jpg",), "lampiran/kecil", "", _l("Gambar kecil harus JPG.")),
}
# Suffixes that files kept before this module may carry
LEGACY_TYPES = {"document": ("jpeg",), "registry": ("txt",)}


@dataclass(frozen=True)
class StoredFile:
    kind: str
    name: str            # the random name it is kept under
    type: str            # pdf, jpg, png, svg, csv or xlsx, as its content says
    size: int
    original_name: str   # the name it was uploaded with (for showing and as the download name)

    @property
    def path(self) -> Path:
        return folder(self.kind) / self.name

    @property
    def mimetype(self) -> str:
        return MIME_TYPES[self.type]


class UploadRefused(DomainError):
    """The file was not kept: the message says why, in Indonesian."""


def upload_root() -> Path:
    root = Path(current_app.config["SLRT_UPLOAD_DIR"]).resolve()
    static = Path(current_app.static_folder).resolve()
    if root == static or static in root.parents:
        raise RuntimeError("SLRT_UPLOAD_DIR must not lie under static/: uploads hold personal data")
    return root


def folder(kind: str) -> Path:
    return upload_root() / KINDS[kind].folder


def limit(kind: str) -> int:
    return int(current_app.config["SLRT_UPLOAD_LIMITS"][kind])


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size // 1024} KB"


def detect(head: bytes) -> str | None:
    """pdf, jpg, png or svg by the first bytes of the file; xlsx when it is a zip (checked further by
    `_xlsx_opens`); None for anything else (text is judged by `_is_text`)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if (text.startswith((b"<?xml", b"<svg", b"<!--")) and re.search(rb"<svg[\s>]", text)
            and not BINARY.search(head)):
        return "svg"
    return None


def _is_text(head: bytes) -> bool:
    """A CSV as spreadsheets export it: no binary control bytes, and UTF-8 or Windows-1252 (what the
    registry reader reads)."""
    if not head or BINARY.search(head):
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return True
    except UnicodeDecodeError:
        try:
            head.decode("cp1252")
            return True
        except UnicodeDecodeError:
            return False


def _xlsx_opens(path: Path) -> bool:
    """A workbook: a zip with the parts of a spreadsheet that openpyxl opens."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
        if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
            return False
        from openpyxl import load_workbook
        with open(path, "rb") as handle:  # a handle: openpyxl judges a path by its suffix
            workbook = load_workbook(handle, read_only=True)
            try:
                return bool(workbook.sheetnames)
            finally:
                workbook.close()
    except Exception:  # noqa: BLE001 - whatever a broken zip raises, it is not a workbook
        return False


def _svg_ok(path: Path) -> bool:
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return data.rstrip().endswith(b"</svg>")


def save_upload(upload, kind: str, field: str | None = None) -> StoredFile:
    """Keep an uploaded file (a werkzeug FileStorage) of `kind`, or raise UploadRefused. Read in chunks,
    so a file over the limit is refused without being held in memory."""
    spec, max_bytes = KINDS[kind], limit(kind)
    original = Path((getattr(upload, "filename", "") or "").replace("\\", "/")).name[:255]
    directory = folder(kind)
    directory.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    partial = directory / f".{token}.part"
    size, head = 0, b""
    try:
        with open(partial, "wb") as out:
            while chunk := upload.stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(_("Berkas terlalu besar: paling besar %(size)s.",
                                          size=human_size(max_bytes)), field=field)
                if len(head) < HEAD:
                    head += chunk[:HEAD - len(head)]
                out.write(chunk)
        if size == 0:
            raise UploadRefused(_("Berkas kosong."), field=field)
        found = detect(head)
        if found is None and "csv" in spec.types and _is_text(head):
            found = "csv"
        if found == "xlsx" and not _xlsx_opens(partial):
            found = None
        if found == "svg" and not _svg_ok(partial):
            found = None
        if found not in spec.types:
            raise UploadRefused(str(spec.refused), field=field)
        if found == "svg" and SVG_FORBIDDEN.search(partial.read_bytes()):
            raise UploadRefused(_("Logo SVG ini memuat skrip atau tautan keluar; simpan ulang sebagai SVG biasa "
                                  "atau PNG."), field=field)
        name = f"{spec.prefix}{token}.{found}"
        partial.replace(directory / name)
    finally:
        partial.unlink(missing_ok=True)
    return StoredFile(kind, name, found, size, original or name)


def stored_path(kind: str, name: str) -> Path | None:
    """The kept file called `name`, if it is a name this module made and the file exists."""
    spec = KINDS[kind]
    types = "|".join(spec.types + LEGACY_TYPES.get(kind, ()))
    if not re.fullmatch(rf"{re.escape(spec.prefix)}[0-9a-f]{{32}}\.({types})", name or ""):
        return None
    path = folder(kind) / name
    return path if path.is_file() else None


def discard(kind: str, name: str) -> None:
    path = stored_path(kind, name)
    if path is not None:
        path.unlink(missing_ok=True)


# ---- files that go with a record's removal ----------------------------------------------------------------------
# A record removed for good (an attachment past its retention period) names its files; deleting them before the
# transaction commits would leave, after a failed commit or a process killed in between, rows whose files are
# gone. So the files are only marked here and deleted once that transaction has committed; a rollback keeps them.

_PENDING = "slrt_discard_after_commit"
_FAILED = "slrt_discard_failed"


def discard_after_commit(kind: str, name: str, owner: str) -> None:
    """Delete the kept file `name` once the current transaction commits (nothing if it rolls back). `owner`
    names its record for the log ("attachment 12"; never a person's data)."""
    from slrt.extensions import db
    if name:
        db.session.info.setdefault(_PENDING, []).append((kind, name, owner))


def discard_path_after_commit(path: Path, owner: str) -> None:
    """Delete the file at `path` (under the upload folder: an orphan of slrt.core.orphans, which has no kind's
    name) once the current transaction commits."""
    from slrt.extensions import db
    db.session.info.setdefault(_PENDING, []).append(("", str(path), owner))


def pending_discards() -> list[tuple[str, str, str]]:
    """(kind, name, owner) of the files marked so far in this transaction (kind "" for a path)."""
    from slrt.extensions import db
    return list(db.session.info.get(_PENDING, []))


def discard_failures() -> list[str]:
    """The records whose files the last commit could not delete (each logged), and forget them."""
    from slrt.extensions import db
    return db.session.info.pop(_FAILED, [])


def _discard_committed(session) -> None:
    from flask import has_app_context
    if not has_app_context():  # the upload folder is the app's: kept for a commit that has one
        return
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    failed: list[str] = []
    for kind, name, owner in pending:
        try:
            if kind:
                discard(kind, name)
            else:
                _discard_path(Path(name))
        except Exception as error:  # noqa: BLE001 - the rows are gone already: log it, never stop the rest
            where, what = (KINDS[kind].folder, name) if kind else (Path(name).parent.name, Path(name).name)
            current_app.logger.warning("file %s/%s of removed %s not deleted: %s", where, what, owner,
                                       type(error).__name__)
            if owner not in failed:
                failed.append(owner)
    session.info[_FAILED] = failed


def _discard_path(path: Path) -> None:
    """Only ever a file under the upload folder, never a link (whatever a caller passed)."""
    root = upload_root()
    if root in path.parents and not path.is_symlink():
        path.unlink(missing_ok=True)


def _keep_rolled_back(session) -> None:
    session.info.pop(_PENDING, None)


def install_session_hooks() -> None:
    """Listen on Flask-SQLAlchemy's session (once per process, whatever the number of apps)."""
    from sqlalchemy import event

    from slrt.extensions import db
    for name, handler in (("after_commit", _discard_committed), ("after_rollback", _keep_rolled_back)):
        if not event.contains(db.session, name, handler):
            event.listen(db.session, name, handler)
