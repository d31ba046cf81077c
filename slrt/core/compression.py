"""Compressed responses (brotli, else gzip) for text: pages, htmx fragments, CSS, JS, CSV, JSON, SVG.

A district's line is often 400 kbps with 400 ms round trips; a staff page's HTML, stylesheet and htmx
shrink to about a quarter. This runs in `make run` too, not only behind nginx (nginx passes an already
encoded body through untouched).

Flask-Compress does the encoding; `compress_response` decides what may be compressed:
- text types only: PNG, JPEG, PDF and XLSX are compressed already, and an XLSX is a zip;
- a whole body or a stream (the rejected-rows CSV is read from the database while it streams), never a
  range (206) or an error page that may be tiny;
- not for a request another site made the browser send (`Sec-Fetch-Site: cross-site`): a page that holds
  the CSRF token and echoes what was typed must not be compressed for a request an attacker can repeat
  with the victim's cookie and chosen input (BREACH). The session cookie is `SameSite=Lax` as well.

It is registered before every other after-request hook, so it runs last (Flask runs them in reverse) and
compresses the final body.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_compress import Compress

MIMETYPES = [
    "text/html", "text/css", "text/javascript", "application/javascript", "text/csv", "text/plain",
    "application/json", "image/svg+xml", "application/xml", "text/xml", "image/x-icon",
    "image/vnd.microsoft.icon",
]


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    # brotli when the browser offers it (every current one does over HTTPS), else gzip; no deflate (its
    # two meanings confuse clients) and no zstd (few phones offer it yet).
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    app.config.setdefault("COMPRESS_LEVEL", 6)      # gzip: nginx's usual level
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)   # brotli: smaller than gzip -6 at about its cost
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)  # below one packet the header costs more than it saves
    app.config["COMPRESS_REGISTER"] = False  # our own hook below decides first
    compressor = Compress()
    compressor.init_app(app)

    @app.after_request
    def compress_response(response: Response) -> Response:
        if not current_app.config.get("SLRT_COMPRESS", True) or "Content-Encoding" in response.headers:
            return response  # (a body encoded already, e.g. a ready-made page, says its own Vary)
        if response.status_code == 206 or "Content-Range" in response.headers:
            return _vary(response)  # a byte range of the uncompressed file: its offsets must stay true
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            return _vary(response)
        return compressor.after_request(response)


def _vary(response: Response) -> Response:
    response.vary.add("Accept-Encoding")
    return response
