"""Markup the browser depends on: htmx attributes it can read, the public page's plain form, a QR code that
scales on paper, and queue filters that do not mix a kecamatan with a desa from another."""
from __future__ import annotations

import re

from tests.conftest import csrf_token_from


def test_htmx_attributes_are_rendered_with_dashes(client, login_as):
    # WTForms only turns data_/aria_ keyword arguments into dashes; htmx ignores hx_post.
    login_as("front_office")
    html = client.get("/pendaftaran/baru").get_data(as_text=True)
    assert 'hx-post="/pendaftaran/cek-nik"' in html
    assert 'hx-target="#nik-check"' in html
    assert 'hx-get="/wilayah/desa"' in html
    assert "hx_" not in html
    queue = client.get("/kasus/").get_data(as_text=True)
    assert 'hx-get="/wilayah/desa?placeholder=semua"' in queue and "hx_" not in queue


def test_nik_is_checked_while_typing_not_again_on_leaving_the_field(client, login_as):
    # A check on blur would swap the person's stored data back over what the clerk has just corrected.
    login_as("front_office")
    html = client.get("/pendaftaran/baru").get_data(as_text=True)
    trigger = re.search(r'<input[^>]*id="nik"[^>]*>', html).group(0)
    assert 'hx-trigger="input changed delay:300ms"' in trigger


def test_public_status_page_is_a_plain_form_without_a_session_token(client, make_case):
    case = make_case()
    html = client.get(f"/status?ticket={case.ticket}").get_data(as_text=True)
    assert "<script" not in html
    assert "csrf_token" not in html  # refused when another site sends it (tests/test_csrf.py)
    assert 'action="/status"' in html and 'method="post"' in html
    assert f'name="ticket" type="text" value="{case.ticket}"' in html


def test_receipt_qr_code_scales_to_the_paper(client, login_as, make_case):
    login_as("front_office")
    case = make_case()
    html = client.get(f"/kasus/{case.id}/tanda-terima").get_data(as_text=True)
    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert "viewBox" in svg and "width=" not in svg
    assert f'href="http://localhost/status?ticket={case.ticket}"' in html


def test_queue_ignores_a_desa_left_over_from_another_kecamatan(client, login_as, make_case, places):
    login_as("back_office")
    here = make_case(region_code=places.desa, nik="3204054512900001")
    there = make_case(region_code=places.other_desa, nik="3204054512900002")
    html = client.get(f"/kasus/?kecamatan={places.other_kecamatan}&desa={places.desa}&status=").get_data(as_text=True)
    assert there.ticket in html and here.ticket not in html
    html = client.get(f"/kasus/?kecamatan={places.kecamatan}&desa={places.desa}&status=").get_data(as_text=True)
    assert here.ticket in html and there.ticket not in html
