"""The field app on a district's slow line: how long one sync takes with a visit and three photos of ~200 KB
waiting, and what the app weighs at its first load (everything its service worker keeps, and the page).

    .venv/bin/python bench/field_sync_bench.py [--port 8765]

Starts a throw-away demo portal (gunicorn, SQLite under bench/out/field/), assigns the demo facilitator a
visit, sets the app up in Debian's Chromium, records the visit offline with three photos (noise: the app
shrinks each to at most 200 KB), then syncs under CDP `Network.emulateNetworkConditions` (400 kbps down and
up, 400 ms latency) and prints the time.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, Gunicorn, fresh_instance, instance_env  # noqa: E402

PASSWORD = "demo-password-1"
PIN = "246810"
LINE = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}

ASSIGN = """
from datetime import timedelta
from sqlalchemy import select
from app import app
from slrt.auth.models import User
from slrt.cases.models import Case
from slrt.core.time import local_today
from slrt.extensions import db
from slrt.visits import operations as visits
from slrt.visits.models import HomeVisit
with app.app_context():
    facilitator = db.session.scalar(select(User).where(User.username == "fasilitator"))
    officer = db.session.scalar(select(User).where(User.username == "backoffice"))
    visited = set(db.session.scalars(select(HomeVisit.case_id)))
    case = next(c for c in db.session.scalars(select(Case).order_by(Case.id))
                if visits.of_area(facilitator, c.region_code) and c.id not in visited)
    visits.assign(case, facilitator, local_today() + timedelta(days=2), "bench", officer, local_today())
    db.session.commit()
    print(case.citizen.name)
"""


def house_photo(seed: int) -> bytes:
    """A photo-like picture: a sky gradient, a house of plain walls, a roof and a door, ground with texture and a
    camera's mild sensor noise (4000x3000 like a tablet's camera). Real photos compress like this; noise does not."""
    from PIL import Image, ImageDraw, ImageFilter
    rng = random.Random(seed)
    width, height = 4000, 3000
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.merge("RGB", [band.point(lambda v, k=k: 90 + v // (2 + k)) for k, band in enumerate(image.split())])
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 2000, width, height], fill=(110 + rng.randrange(30), 90, 60))
    for _ in range(400):  # stones, grass, leaves
        x, y = rng.randrange(width), rng.randrange(2000, height)
        draw.ellipse([x, y, x + rng.randrange(10, 60), y + rng.randrange(5, 30)],
                     fill=(rng.randrange(60, 160), rng.randrange(60, 140), rng.randrange(30, 90)))
    draw.rectangle([900, 1100, 3100, 2300], fill=(170, 150, 120))               # walls
    for x in range(900, 3100, 40):                                              # bamboo slats
        draw.line([x, 1100, x, 2300], fill=(140 + rng.randrange(20), 120, 90), width=6)
    draw.polygon([(700, 1150), (2000, 500), (3300, 1150)], fill=(120, 60, 40))  # roof
    draw.rectangle([1800, 1600, 2200, 2300], fill=(80, 50, 30))                 # door
    draw.rectangle([1100, 1400, 1500, 1750], fill=(40, 40, 50))                 # window
    noisy = Image.effect_noise((width, height), 12).convert("RGB")
    image = Image.blend(image.filter(ImageFilter.GaussianBlur(2)), noisy, 0.06)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def noise_photo(seed: int) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.frombytes("RGB", (1600, 1200), random.Random(seed).randbytes(1600 * 1200 * 3)).save(out, "JPEG",
                                                                                              quality=90)
    return out.getvalue()


def first_load(base: str, cookies: list[dict]) -> tuple[int, int, int]:
    """(files, bytes uncompressed, bytes as sent gzip-compressed) of the page, every precached file and the
    Workbox modules the service worker loads."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
    sw = urllib.request.urlopen(base + "/lapangan/sw.js").read().decode()
    urls = [json.loads(line.split("precacheAndRoute(", 1)[1].rsplit(", {", 1)[0])
            for line in sw.splitlines() if "precacheAndRoute(" in line][0]
    paths = [u["url"] for u in urls] + ["/lapangan/sw.js", "/lapangan/manifest.webmanifest",
                                        "/static/vendor/workbox-7.3.0/workbox-sw.js"] + [
        f"/static/vendor/workbox-7.3.0/{m}.prod.js" for m in
        ("workbox-core", "workbox-precaching", "workbox-routing", "workbox-strategies")]
    raw = packed = 0
    for path in paths:
        request = urllib.request.Request(base + path, headers={"Cookie": cookie, "Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            body = response.read()
            sent = len(body)
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            else:
                sent = len(gzip.compress(body))  # what a compressing proxy or server would send
        raw += len(body)
        packed += sent
    return len(paths), raw, packed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    instance = ROOT / "bench" / "out" / "field"
    env = instance_env(instance, SECRET_KEY="bench-secret")
    fresh_instance(instance, env, seed_demo=True)
    server = Gunicorn(env, args.port)
    try:
        # Each run sets up a tablet, records one new visit with three photos offline and syncs it.
        for kind, make in (("typical (house photos)", house_photo), ("worst case (noise)", noise_photo)):
            name = subprocess.run([sys.executable, "-c", ASSIGN], cwd=ROOT, env=env, capture_output=True,
                                  text=True, check=True).stdout.strip().splitlines()[-1]
            run(server.base, name, kind, make)
    finally:
        server.stop()


def run(base: str, name: str, kind: str, make_photo) -> None:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(locale="id-ID", viewport={"width": 800, "height": 1280})
        context.set_default_timeout(600_000)
        page = context.new_page()
        page.goto(base + "/masuk")
        page.fill("#username", "fasilitator")
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(base + "/lapangan")
        page.fill("input[name=device_name]", "Tablet bench")
        page.fill("input[name=pin]", PIN)
        page.fill("input[name=pin_again]", PIN)
        page.get_by_role("button", name="Pasang perangkat").click()
        page.get_by_text("Sinkron selesai.").wait_for()
        files, raw, packed = first_load(base, context.cookies())

        context.set_offline(True)
        page.get_by_role("button", name=name).first.click()
        page.fill("textarea[name=findings]", "Rumah bambu, lima penghuni.")
        page.fill("textarea[name=recommendation]", "Usulkan RTLH.")
        for seed in range(3):
            page.set_input_files("input[name=photo]", files=[{"name": f"foto{seed}.jpg", "mimeType": "image/jpeg",
                                                              "buffer": make_photo(seed)}])
            page.locator(".photos img").nth(seed).wait_for()
        sizes = page.locator(".photos li").all_inner_texts()
        page.get_by_role("button", name="Simpan").click()
        page.get_by_text("Tersimpan di perangkat.").wait_for()
        context.set_offline(False)

        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", LINE)
        requests: list = []
        page.on("request", lambda r: requests.append(len(r.post_data_buffer or b"")) if "/lapangan/api/" in r.url
                else None)
        began = time.perf_counter()
        page.get_by_role("button", name="Sinkronkan", exact=True).click()
        page.get_by_role("button", name="Sinkronkan", exact=True).wait_for()
        seconds = time.perf_counter() - began
        sent = sum(requests)
        assert page.get_by_text("Sinkron selesai.").is_visible()
        browser.close()
    print(f"{kind}: photos after shrinking on the device: {', '.join(s.split(' ·')[0] for s in sizes)}")
    print(f"{kind}: sync on 400 kbps / 400 ms (1 visit, 3 photos side by side, the pull alongside): "
          f"{seconds:.1f} s; {len(requests)} requests, {sent / 1024:.0f} KB sent")
    print(f"first load of the app: {files} files, {raw / 1024:.0f} KB uncompressed, {packed / 1024:.0f} KB gzip")


if __name__ == "__main__":
    main()
