"""The topology bench's nginx configuration is one Debian's nginx accepts (`nginx -t`)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NGINX = "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed")


def test_the_generated_nginx_config_is_valid(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from topology import nginx_config
    (tmp_path / "nginx.conf").write_text(nginx_config(tmp_path))
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                              "-e", str(tmp_path / "error.log")], capture_output=True, text=True, timeout=20)
    assert checked.returncode == 0, checked.stderr
    # A POST already sent to a node that died is never resent by nginx: the clerk resends it with its form id.
    assert "non_idempotent" not in (tmp_path / "nginx.conf").read_text()
    shutil.rmtree(tmp_path, ignore_errors=True)
