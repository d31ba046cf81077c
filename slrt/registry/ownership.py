"""Which process runs an import, and whether it still lives.

The importing process holds an exclusive lock (flock) on a file named after the import's owner token, in
the upload folder that the web workers and the command line share. The kernel drops the lock when the
process ends, however it ends (SIGKILL, out of memory, a restarted worker), so a RUNNING import whose lock
is free is known dead at once, instead of after the heartbeat's 5 minutes. An import owned by another host
cannot be checked that way; there the heartbeat decides.
"""
from __future__ import annotations

import fcntl
import os
import re
import socket
import uuid
from pathlib import Path

from flask import current_app

_held: dict[int, tuple] = {}  # import id -> (open lock file, its path), in this process


def _folder() -> Path:
    folder = Path(current_app.config["SLRT_UPLOAD_DIR"]) / "registry" / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _host() -> str:
    return socket.gethostname()[:80]


def claim(import_id: int) -> str:
    """Lock a fresh file for this import and return the owner text to store on it ("host pid token")."""
    token = uuid.uuid4().hex
    path = _folder() / f"import-{token}.lock"
    handle = open(path, "a+")
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    _held[import_id] = (handle, path)
    return f"{_host()} {os.getpid()} {token}"


def holds(import_id: int) -> bool:
    return import_id in _held


def release(import_id: int) -> None:
    """The import ended (done or failed): drop its lock and its file."""
    held = _held.pop(import_id, None)
    if held:
        handle, path = held
        path.unlink(missing_ok=True)
        handle.close()


def forget_in_child() -> None:
    """In a forked helper: close the inherited lock files without unlocking, so the lock stays the parent's
    and ends with the parent."""
    for handle, _path in _held.values():
        handle.close()
    _held.clear()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def alive(owner: str) -> bool | None:
    """True: the owner still holds its lock; False: its process is gone; None: cannot tell from here."""
    parts = (owner or "").split()
    if len(parts) != 3 or not parts[1].isdigit() or parts[0] != _host():
        return None
    path = _folder() / f"import-{parts[2]}.lock"
    try:
        handle = open(path, "r")
    except FileNotFoundError:
        # No lock file on this host (a differently configured upload folder?): the process id decides.
        return False if not _pid_alive(int(parts[1])) else None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def discard(owner: str) -> None:
    """Remove a dead importer's lock file, once its import is no longer RUNNING."""
    parts = (owner or "").split()
    if len(parts) == 3 and parts[0] == _host() and re.fullmatch(r"[0-9a-f]{32}", parts[2]):
        (_folder() / f"import-{parts[2]}.lock").unlink(missing_ok=True)
