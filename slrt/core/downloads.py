"""The one way a file with personal data leaves the portal: audited, and kept by no cache.

`send_download` writes the audit row (who took which file of whom: UU 27/2022 counts a download as
processing) and commits it before a byte is sent, then sends the file with `Cache-Control: no-store,
private` — never the week-long public caching that Flask gives static files by default, which a shared
proxy or the next user of a Puskesos laptop would otherwise be served.

The source is a kept file (a Path), the bytes of a generated export, or an iterator of text chunks that is
streamed (inside the request's context, so it may read the database while it streams).
"""
from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from flask import Response, send_file, stream_with_context

from slrt.audit.operations import record
from slrt.extensions import db

NO_STORE = "no-store, private"


def _ascii_name(name: str) -> str:
    simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in simple if ch.isalnum() or ch in "-_.") or "unduhan"


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = NO_STORE
    response.headers["Pragma"] = "no-cache"
    response.headers.pop("Expires", None)
    response.headers.pop("ETag", None)
    response.headers.pop("Last-Modified", None)
    return response


def send_download(source: Path | bytes | Iterable[str], *, filename: str, mimetype: str, audit: str | None,
                  obj=None, person_id: int | None = None, note: str = "", inline: bool = False) -> Response:
    """Send `source` as `filename` after recording `audit` (an action name) on `obj`/`person_id` and
    committing. `audit=None` only for a file that holds nobody's data (the letterhead logo), or when the
    operation that made the file has already written one row per person in it (the SIKS-NG export)."""
    filename = "".join(ch for ch in filename if ch.isprintable()).strip() or "unduhan"
    if audit is not None:
        record(audit, obj, person_id=person_id, note=note)
    db.session.commit()
    if isinstance(source, (Path, bytes)):
        body = source if isinstance(source, Path) else io.BytesIO(source)
        response = send_file(body, mimetype=mimetype, as_attachment=not inline, download_name=filename,
                             conditional=False, etag=False, max_age=None)
    else:
        response = Response(stream_with_context(chunk.encode("utf-8") for chunk in source), mimetype=mimetype)
        response.headers.set("Content-Disposition", "inline" if inline else "attachment",
                             filename=_ascii_name(filename))
    return no_store(response)
