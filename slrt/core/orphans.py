"""Files under the upload folder that no record names any more (UU 27/2022: keep no longer than needed).

A file can outlive its record: a process killed between keeping an upload and committing its row, a commit that
failed after the file was written, a partial upload left by a crash, an extract uploaded and never mapped, a file
whose after-commit deletion failed. Nothing points at it, so nothing would ever remove it. The nightly retention
run sweeps them: in each folder that a feature has declared (`register`), a file is removed only when

- its name is one the portal gives files there (a kind's random name, or an upload's `.<token>.part`): anything
  else (a file an operator put there) is never touched;
- no row of any district names it (the feature's `names()` over the whole database, read in the run's
  transaction), and no other step of the run already removes it;
- it was last written more than a day ago (by the real clock, whatever `now` a run is given): an upload in
  flight, or a photo a field device is still sending part by part, is never touched;
- and the folder is not busy (`busy()`: e.g. while a registry import runs, its extract is named by no row).

Folders no feature declared are left alone. Files go only once the run has committed (like every file the run
removes), so a dry run or a failed run deletes nothing.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from slrt.core import uploads

AGE = timedelta(days=1)  # younger files may be uploads in flight
PARTIAL = r"\.[0-9a-f]{32}\.part"  # slrt.core.uploads.save_upload's file while it is being written


@dataclass(frozen=True)
class NamedFolder:
    key: str                               # who declared it, e.g. "attachments.files"
    folder: str                            # under SLRT_UPLOAD_DIR ("" is the folder itself)
    pattern: str                           # the names the portal gives files there (a regular expression)
    names: Callable[[], Iterable[str]]     # every name rows hold there, in every district
    busy: Callable[[], bool] | None = None  # True: leave the folder alone in this run


_FOLDERS: dict[str, NamedFolder] = {}


def kind_pattern(kind: str) -> str:
    """The names `save_upload` gives a kind's files (and the suffixes older files carry)."""
    spec = uploads.KINDS[kind]
    types = "|".join(spec.types + uploads.LEGACY_TYPES.get(kind, ()))
    return rf"{re.escape(spec.prefix)}[0-9a-f]{{32}}\.({types})"


def register(key: str, folder: str, names: Callable[[], Iterable[str]], *, pattern: str | None = None,
             busy: Callable[[], bool] | None = None) -> None:
    """A feature declares the files it names in `folder`; by default the names of the kinds kept there."""
    if pattern is None:
        kinds = [kind for kind, spec in uploads.KINDS.items() if spec.folder == folder]
        pattern = "|".join(f"(?:{kind_pattern(kind)})" for kind in kinds)
    _FOLDERS[key] = NamedFolder(key, folder, pattern, names, busy)


def declared() -> list[NamedFolder]:
    return list(_FOLDERS.values())


def _threshold(now: datetime) -> float:
    from slrt.core.time import utcnow
    moment = min(now, utcnow()) - AGE
    return moment.replace(tzinfo=timezone.utc).timestamp()


def find(now: datetime) -> list[tuple[str, Path]]:
    """(folder, path) of every orphan file, by the rules above."""
    root = uploads.upload_root()
    threshold = _threshold(now)
    pending = {(uploads.KINDS[kind].folder, name) for kind, name, _owner in uploads.pending_discards() if kind}
    by_folder: dict[str, list[NamedFolder]] = {}
    for entry in _FOLDERS.values():
        by_folder.setdefault(entry.folder, []).append(entry)
    found = []
    for folder, entries in sorted(by_folder.items()):
        directory = root / folder if folder else root
        if not directory.is_dir() or any(e.busy is not None and e.busy() for e in entries):
            continue
        allowed = re.compile("|".join(f"(?:{e.pattern})" for e in entries) + f"|(?:{PARTIAL})")
        named: set[str] = set()
        for entry in entries:
            named.update(name for name in entry.names() if name)
        for path in sorted(directory.iterdir()):
            if (path.is_symlink() or not path.is_file() or not allowed.fullmatch(path.name)
                    or path.name in named or (folder, path.name) in pending):
                continue
            if path.stat().st_mtime < threshold:
                found.append((folder, path))
    return found


def sweep(now: datetime, apply: bool) -> tuple[int, str]:
    """Count the orphan files (a dry run) or mark them to be deleted once the run commits. Returns the count and,
    for the run's audit row, how many in each folder (never a name)."""
    found = find(now)
    per_folder: dict[str, int] = {}
    for folder, path in found:
        per_folder[folder or "."] = per_folder.get(folder or ".", 0) + 1
        if apply:
            uploads.discard_path_after_commit(path, f"orphan file in {folder or '.'}")
    return len(found), ", ".join(f"{folder} {n}" for folder, n in per_folder.items())
