"""What a citizen's phone downloads to open a page: the HTML and every stylesheet, script and icon it links.

    python bench/page_weight.py [BASE_URL] [PATH ...]      (default http://127.0.0.1:8000 /status /masuk)

Prints each file's size as served (uncompressed) and gzip-compressed (level 6, what nginx uses by default),
and the total per page. Standard library only; run it against `make run`.
"""
from __future__ import annotations

import gzip
import sys
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin


class Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.urls.append(("js", attributes["src"]))
        elif tag == "link" and attributes.get("href") and attributes.get("rel") in ("stylesheet", "icon"):
            self.urls.append(("css" if attributes["rel"] == "stylesheet" else "icon", attributes["href"]))
        elif tag == "img" and attributes.get("src") and not attributes["src"].startswith("data:"):
            self.urls.append(("img", attributes["src"]))


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity", "User-Agent": "page-weight"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def weigh(base: str, path: str) -> tuple[int, int]:
    url = urljoin(base, path)
    html = fetch(url)
    parser = Assets()
    parser.feed(html.decode("utf-8", "replace"))
    rows = [("html", path, html)] + [(kind, src, fetch(urljoin(url, src))) for kind, src in parser.urls]
    print(f"\n{path}")
    print(f"  {'kind':5} {'bytes':>8} {'gzip':>8}  file")
    total_raw = total_gzip = 0
    for kind, name, body in rows:
        packed = len(gzip.compress(body, compresslevel=6))
        total_raw += len(body)
        total_gzip += packed
        print(f"  {kind:5} {len(body):8d} {packed:8d}  {name}")
    print(f"  {'total':5} {total_raw:8d} {total_gzip:8d}  ({total_raw / 1024:.1f} KiB, gzip {total_gzip / 1024:.1f} KiB)")
    return total_raw, total_gzip


def main(argv: list[str]) -> int:
    base = argv[1] if len(argv) > 1 else "http://127.0.0.1:8000"
    paths = argv[2:] or ["/status", "/masuk"]
    for path in paths:
        weigh(base.rstrip("/") + "/", path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
