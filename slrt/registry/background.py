"""Running an uploaded import in a background thread, so the upload page can show its progress."""
from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask

_threads: dict[int, threading.Thread] = {}


def run_in_background(app: Flask, import_id: int, path: Path, mapping: dict) -> threading.Thread:
    def work():
        import os

        from slrt.registry.importer import run_import
        os.nice(10)  # on Linux this lowers only this thread: the portal's requests go first
        with app.app_context():
            try:
                run_import(import_id, path, mapping=mapping)
            except Exception:  # noqa: BLE001 - recorded on the import row as FAILED
                app.logger.exception("registry import %s failed", import_id)
            finally:
                path.unlink(missing_ok=True)
                _threads.pop(import_id, None)
    thread = threading.Thread(target=work, name=f"registry-import-{import_id}", daemon=True)
    _threads[import_id] = thread
    thread.start()
    return thread


def purge_in_background(app: Flask, import_id: int) -> threading.Thread:
    """Delete the invisible rows of a cancelled import whose importer is dead (a large one takes a while)."""
    def work():
        from slrt.registry.importer import Writer, purge
        with app.app_context():
            writer = Writer()
            try:
                purge(writer, import_id)
            except Exception:  # noqa: BLE001 - the next import's clean-up purges what is left
                app.logger.exception("registry import %s: purge after cancel failed", import_id)
            finally:
                writer.close()
                _threads.pop(import_id, None)
    thread = threading.Thread(target=work, name=f"registry-purge-{import_id}", daemon=True)
    _threads[import_id] = thread
    thread.start()
    return thread


def wait_for(import_id: int, timeout: float = 30) -> None:
    """For tests: wait until the background import has finished."""
    thread = _threads.get(import_id)
    if thread is not None:
        thread.join(timeout)
