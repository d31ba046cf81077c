"""What a citizen's phone downloads to open a page: the HTML and every stylesheet, script and icon it links.

    python bench/page_weight.py [--login USER:PASSWORD] [BASE_URL] [PATH ...]
        (default http://127.0.0.1:8000 /status /masuk, and /kasus/hari-ini when logged in)

For each file: its size uncompressed (asked with `Accept-Encoding: identity`: before compression) and as
the server sends it to a browser (`Accept-Encoding: gzip, deflate, br`: after), with the encoding it
chose; then the total per page and the time to load it on a district's slow line (400 kbps, 400 ms
round trips: the HTML, then its files in parallel, plus the bytes at 400 kbps). Standard library only;
run it against `make run`.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin

LINE_BPS = 400_000
ROUND_TRIP = 0.4
BROWSER = "gzip, deflate, br"


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


OPENER = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def fetch(url: str, encoding: str) -> tuple[bytes, str]:
    """The body as sent (urllib does not decode it) and its Content-Encoding."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding, "User-Agent": "page-weight"})
    with OPENER.open(request, timeout=30) as response:
        return response.read(), response.headers.get("Content-Encoding", "")


def log_in(base: str, user: str, password: str) -> None:
    html, _ = fetch(urljoin(base, "masuk"), "identity")
    token = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1).decode()
    body = urllib.parse.urlencode({"csrf_token": token, "username": user, "password": password}).encode()
    with OPENER.open(urllib.request.Request(urljoin(base, "masuk"), data=body), timeout=30) as response:
        if "/masuk" in response.geturl():
            sys.exit("login failed")


def seconds_on_slow_line(html: int, assets: int, any_assets: bool) -> float:
    return ROUND_TRIP * (2 if any_assets else 1) + (html + assets) * 8 / LINE_BPS


def weigh(base: str, path: str) -> tuple[int, int]:
    url = urljoin(base, path)
    html, _ = fetch(url, "identity")
    parser = Assets()
    parser.feed(html.decode("utf-8", "replace"))
    rows = [("html", path)] + [(kind, src) for kind, src in parser.urls]
    print(f"\n{path}")
    print(f"  {'kind':5} {'before':>8} {'after':>8} {'enc':4}  file")
    totals = {"before": 0, "after": 0, "html_before": 0, "html_after": 0}
    for kind, name in rows:
        target = url if kind == "html" else urljoin(url, name)
        before, _ = fetch(target, "identity")
        after, encoding = fetch(target, BROWSER)
        totals["before"] += len(before)
        totals["after"] += len(after)
        if kind == "html":
            totals["html_before"], totals["html_after"] = len(before), len(after)
        print(f"  {kind:5} {len(before):8d} {len(after):8d} {encoding or '-':4}  {name}")
    slow_before = seconds_on_slow_line(totals["html_before"], totals["before"] - totals["html_before"],
                                       len(rows) > 1)
    slow_after = seconds_on_slow_line(totals["html_after"], totals["after"] - totals["html_after"], len(rows) > 1)
    print(f"  {'total':5} {totals['before']:8d} {totals['after']:8d}       "
          f"({totals['before'] / 1024:.1f} KiB -> {totals['after'] / 1024:.1f} KiB; first load at 400 kbps / "
          f"400 ms: {slow_before:.1f} s -> {slow_after:.1f} s)")
    return totals["before"], totals["after"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--login", help="USER:PASSWORD of a staff account, to weigh staff pages")
    parser.add_argument("base", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args(argv[1:])
    base = args.base.rstrip("/") + "/"
    paths = args.paths or ["/status", "/masuk"]
    for path in paths:
        weigh(base, path)
    if args.login:
        user, _, password = args.login.partition(":")
        log_in(base, user, password)
        for path in (args.paths and []) or ["/kasus/hari-ini", "/kasus/"]:
            weigh(base, path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
