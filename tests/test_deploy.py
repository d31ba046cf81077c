"""The production kit (deploy/): the nginx site passes `nginx -t`, matches the portal's settings, and really
keeps slow clients away from the gunicorn workers; the systemd units pass `systemd-analyze verify`."""
from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from slrt.config import Config

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
SITE = (DEPLOY / "nginx" / "slrt.conf").read_text()
ENV_EXAMPLE = (DEPLOY / "slrt.env.example").read_text()


def _env_value(name: str) -> str:
    match = re.search(rf"^{name}=(.*)$", ENV_EXAMPLE, re.M)
    assert match, f"{name} missing from deploy/slrt.env.example"
    return match.group(1).strip()


def _directive(name: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s+([^;]+);", SITE, re.M)


def _seconds(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([sm]?)", value).groups()
    return int(number) * (60 if unit == "m" else 1)


def test_the_upload_limit_matches_the_portals_largest_upload():
    config = Config()
    largest = max(config.MAX_CONTENT_LENGTH, *config.SLRT_UPLOAD_LIMITS.values())
    (size,) = _directive("client_max_body_size")
    assert size == f"{largest // (1024 * 1024)}m"
    assert int(_env_value("SLRT_MAX_UPLOAD_MB")) * 1024 * 1024 == largest


def test_slow_clients_are_timed_out_and_requests_buffered_before_gunicorn():
    assert _directive("proxy_request_buffering") == ["on"] and _directive("proxy_buffering") == ["on"]
    for name, most in (("client_header_timeout", 15), ("client_body_timeout", 60), ("send_timeout", 60)):
        (value,) = _directive(name)
        assert _seconds(value) <= most, name
    assert _directive("limit_conn_zone") and _directive("limit_conn")


def test_forwarding_headers_match_one_trusted_proxy():
    assert _env_value("SLRT_PROXY_COUNT") == "1"
    headers = dict(value.split(None, 1) for value in _directive("proxy_set_header"))
    # One proxy that replaces, never appends to, what the client sent: ProxyFix(x_for=1) reads the real address.
    assert headers["X-Forwarded-For"] == "$remote_addr"
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert _env_value("SLRT_BIND").endswith(":8000") and "server 127.0.0.1:8000;" in SITE


# --- nginx itself -----------------------------------------------------------------------------------------

def _nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], capture_output=True,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"), timeout=600)
        found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if found is None:
        pytest.skip("nginx is not installed and cannot be installed here (.ci/run installs it)")
    return found


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "slrt.example.go.id")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
                   .not_valid_after(now + dt.timedelta(days=2)).sign(key, hashes.SHA256()))
    cert, private = folder / "fullchain.pem", folder / "privkey.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return cert, private


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _nginx_config(folder: Path, *, https_port=443, http_port=80, app_port=8000) -> Path:
    """The site as shipped, inside a minimal nginx.conf of its own; only certificate paths, the code folder
    and (to run it) the ports changed."""
    cert, private = _self_signed(folder)
    site = (SITE.replace("/etc/letsencrypt/live/slrt.example.go.id/fullchain.pem", str(cert))
            .replace("/etc/letsencrypt/live/slrt.example.go.id/privkey.pem", str(private))
            .replace("/opt/slrt/static/", f"{ROOT / 'static'}/")
            .replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
            .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
            .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"))
    site = re.sub(r"^\s*listen \[::\].*$", "", site, flags=re.M)
    (folder / "site.conf").write_text(site)
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                             "uwsgi", "scgi"))
    config = folder / "nginx.conf"
    config.write_text(f"""{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
{temp}
    include {folder / 'site.conf'};
}}
""")
    return config


def test_nginx_accepts_the_site(tmp_path):
    nginx = _nginx_binary()
    config = _nginx_config(tmp_path)
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "e.log")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "[warn]" not in result.stderr, result.stderr


def _slow_client(port: int, tls: bool) -> socket.socket:
    """A client on a bad line: it sends the start of an upload, then nothing more for a long while."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        raw = context.wrap_socket(raw, server_hostname="slrt.example.go.id")
    raw.sendall(b"POST /masuk HTTP/1.1\r\nHost: slrt.example.go.id\r\nContent-Type: application/x-www-form-"
                b"urlencoded\r\nContent-Length: 100000\r\n\r\nusername=lo")
    return raw


def _opener():
    """Straight to this machine (no proxy from the environment), accepting the test's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))


def _status_seconds(url: str, timeout: float = 3.0) -> float:
    start = time.monotonic()
    try:
        with _opener().open(url, timeout=timeout) as response:
            assert response.status == 200
            response.read()
    except (TimeoutError, socket.timeout):
        return float("inf")
    except urllib.error.URLError as error:
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            return float("inf")
        raise
    return time.monotonic() - start


@pytest.fixture
def served_behind_nginx(database_url, tmp_path):
    """gunicorn with 1 worker x 2 threads (the slots slow clients would take) on the test database, and the
    shipped nginx site in front of it."""
    nginx = _nginx_binary()
    app_port, https_port, http_port = _free_port(), _free_port(), _free_port()
    instance = tmp_path / "instance"
    instance.mkdir()
    env = dict(os.environ, FLASK_APP="app.py", DATABASE_URL=database_url, SECRET_KEY="deploy-test-key",
               SLRT_INSTANCE_DIR=str(instance), SLRT_PROXY_COUNT="1", SLRT_OUTBOX_DISPATCH="off")
    gunicorn = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "2", "--bind",
                                 f"127.0.0.1:{app_port}", "app:app"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    config = _nginx_config(tmp_path, https_port=https_port, http_port=http_port, app_port=app_port)
    server = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "e.log"),
                               "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    direct, proxied = f"http://127.0.0.1:{app_port}/status", f"https://127.0.0.1:{https_port}/status"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert gunicorn.poll() is None and server.poll() is None, "gunicorn or nginx did not start"
            assert time.monotonic() < deadline, "gunicorn or nginx did not answer"
            try:
                if max(_status_seconds(direct, 1), _status_seconds(proxied, 1)) < float("inf"):
                    break
            except urllib.error.URLError:
                pass  # not listening yet
            time.sleep(0.3)
    except BaseException:
        server.terminate(), gunicorn.terminate()
        raise
    yield {"direct": direct, "proxied": proxied, "https_port": https_port, "app_port": app_port}
    server.terminate()
    gunicorn.terminate()
    server.wait(20)
    gunicorn.wait(20)


def test_behind_the_shipped_nginx_slow_uploads_leave_the_status_page_answering(served_behind_nginx):
    ports = served_behind_nginx
    # Without nginx: two slow uploads take both gunicorn threads and the public status page stops answering.
    slow = [_slow_client(ports["app_port"], tls=False) for _ in range(4)]
    try:
        time.sleep(0.5)
        assert _status_seconds(ports["direct"], timeout=2) == float("inf")
    finally:
        for client in slow:
            client.close()
    time.sleep(0.5)
    # Through nginx: 25 slow uploads from one address (under its limit_conn), and /status still answers fast.
    slow = [_slow_client(ports["https_port"], tls=True) for _ in range(25)]
    try:
        time.sleep(0.5)
        timings = sorted(_status_seconds(ports["proxied"], timeout=5) for _ in range(10))
    finally:
        for client in slow:
            client.close()
    assert timings[-1] < 1.0, timings


def test_nginx_compresses_pages_and_serves_static_files_cached_and_without_cookies(served_behind_nginx):
    base = served_behind_nginx["proxied"].rsplit("/", 1)[0]

    def get(path):
        request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
        with _opener().open(request, timeout=5) as response:
            return response.headers, response.read()

    headers, body = get("/static/css/slrt.css?v=1")
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body)
    assert headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
    assert headers.get("Set-Cookie") is None
    headers, body = get("/status")
    assert headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(body)


# --- systemd ------------------------------------------------------------------------------------------------

def test_the_systemd_units_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    units = sorted((DEPLOY / "systemd").iterdir())
    names = {unit.name for unit in units}
    # The web server, the outbox worker, and a timer for each nightly job.
    assert {"slrt-web.service", "slrt-outbox.service"} <= names
    for job, command in (("backup", "flask backup"), ("autoclose", "flask handling autoclose"),
                         ("forms-purge", "flask forms purge"), ("summarise", "flask reports summarise")):
        assert f"slrt-{job}.timer" in names
        assert f"/opt/slrt/.venv/bin/{command}\n" in (DEPLOY / "systemd" / f"slrt-{job}.service").read_text()
    for unit in units:
        # Installed under /opt/slrt with its settings in /etc/slrt: here, this checkout and the example file.
        text = (unit.read_text().replace("/opt/slrt", str(ROOT))
                .replace("/etc/slrt/slrt.env", str(DEPLOY / "slrt.env.example")))
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run([analyze, "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
                            capture_output=True, text=True, timeout=120)
    problems = [line for line in result.stderr.splitlines() if str(tmp_path) in line or "slrt-" in line]
    assert result.returncode == 0 and not problems, result.stderr
