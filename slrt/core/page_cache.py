"""Public pages kept ready-made in the process, compressed once, under a key that names what they show.

The status page by ticket is the busiest public page (every receipt's QR code opens it) and it shows the
same thing to everyone who asks until the case moves on. Rendering it with its layout and compressing it
were most of its cost; both are done once per (key, encoding) here. The view still reads the case and
the throttle on every request, and the key carries everything the page shows (the case's steps, the
typed query, the language, the district and its office), so a new step shows at once. Entries also
expire after SECONDS, which bounds what the key cannot name (a static file's version in a link).

Only for a page that holds nothing of one visitor: no session token, no flash message, no signed-in user
(`cacheable()`), and a 200. A `Sec-Fetch-Site: cross-site` request gets the plain body, as every page
does (slrt/core/compression.py).

Why by hand: Flask-Caching and Flask-Compress's cache key a response by the request alone, and here the
key needs the case read in the view; what is left is an LRU dictionary and the two encoders.
"""
from __future__ import annotations

import gzip
import threading
import time
from collections import OrderedDict
from typing import Callable, Hashable

import brotli
from flask import Flask, Response, current_app, request, session
from flask_login import current_user

SECONDS = 60.0
SIZE = 256  # pages per process (each a few KB, three encodings at most)
_ENCODINGS = ("br", "gzip")


class PageCache:
    def __init__(self, size: int = SIZE, seconds: float = SECONDS) -> None:
        self._entries: OrderedDict[Hashable, tuple[float, dict[str, bytes]]] = OrderedDict()
        self._lock = threading.Lock()
        self._size, self._seconds = size, seconds

    def _get(self, key: Hashable) -> dict[str, bytes] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def _put(self, key: Hashable, bodies: dict[str, bytes]) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + self._seconds, bodies)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def kept(self, key: Hashable, vary: str = "Accept-Encoding") -> Response | None:
        """The page kept under `key`, in the encoding the browser accepts; None when there is none (yet).
        `vary` names the request headers the page depends on (Accept-Encoding, and any the key names)."""
        bodies = self._get(key)
        return _response(bodies, vary) if bodies is not None else None

    def response(self, key: Hashable, render: Callable[[], str], vary: str = "Accept-Encoding") -> Response:
        """The page for `key`: rendered by `render()` the first time, then from memory, in the encoding the
        browser accepts (brotli, else gzip, else none)."""
        bodies = self._get(key)
        if bodies is None:
            bodies = {"identity": render().encode("utf-8")}
            self._put(key, bodies)
        return _response(bodies, vary)


def _response(bodies: dict[str, bytes], vary: str) -> Response:
    encoding = _encoding_for_this_request()
    body = bodies.get(encoding)
    if body is None:  # (two threads may both encode it once: the same bytes)
        body = bodies[encoding] = _encode(bodies["identity"], encoding)
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Vary", vary)]
    if encoding != "identity":
        headers.append(("Content-Encoding", encoding))
    return Response(body, headers=headers)


def _encoding_for_this_request() -> str:
    if not current_app.config.get("SLRT_COMPRESS", True) or request.headers.get("Sec-Fetch-Site") == "cross-site":
        return "identity"
    return request.accept_encodings.best_match(_ENCODINGS) or "identity"


def _encode(body: bytes, encoding: str) -> bytes:
    config = current_app.config
    if encoding == "br":
        return brotli.compress(body, quality=config.get("COMPRESS_BR_LEVEL", 4))
    return gzip.compress(body, compresslevel=config.get("COMPRESS_LEVEL", 6))


def cacheable() -> bool:
    """Pages are kept (SLRT_PAGE_CACHE) and nothing of this visitor would be on the page: not signed in, no
    message waiting in the session."""
    return (current_app.config["SLRT_PAGE_CACHE"] and not current_user.is_authenticated
            and "_flashes" not in session)


def page_cache(app: Flask | None = None) -> PageCache:
    target = app or current_app
    cache = target.extensions.get("slrt_page_cache")
    if cache is None:
        cache = target.extensions.setdefault("slrt_page_cache", PageCache())
    return cache
