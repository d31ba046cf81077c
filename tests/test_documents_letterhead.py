"""One address for what a citizen opens (status page, letter verification), and one letterhead for what the
office prints: the receipt, the referral letter, the monthly report and the citizen's data report."""
from __future__ import annotations

import pytest

from slrt.admin.models import Setting
from slrt.extensions import db
from slrt.referrals.models import ReferralStatus
from tests.referrals_helpers import referral_in
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


def test_public_url_follows_slrt_public_url_in_and_outside_a_request(make_app):
    from slrt.core.web import public_url
    app = make_app(SLRT_PUBLIC_URL="https://slrt.bandungkab.go.id/")
    with app.app_context():  # a worker sending an SMS: no request
        assert public_url("public.status") == "https://slrt.bandungkab.go.id/status"
        assert public_url("referrals.verify", code="ABC234") == "https://slrt.bandungkab.go.id/verifikasi/ABC234"
    with app.test_request_context(base_url="http://10.0.0.5:8000"):  # the clerk's LAN address is not printed
        assert public_url("public.status", ticket="K-1") == "https://slrt.bandungkab.go.id/status?ticket=K-1"
    bare = make_app(SLRT_PUBLIC_URL="")
    with bare.test_request_context(base_url="http://10.0.0.5:8000"):
        assert public_url("public.status", ticket="K-1") == "http://10.0.0.5:8000/status?ticket=K-1"
    with bare.app_context():
        assert public_url("public.status") == ""


@pytest.fixture
def with_letterhead(app, tmp_path):
    app.config["SLRT_UPLOAD_DIR"] = str(tmp_path)
    name = "logo-" + "b" * 32 + ".png"
    from io import BytesIO

    from PIL import Image
    image = BytesIO()
    Image.new("RGB", (40, 40), (20, 90, 160)).save(image, "PNG")
    (tmp_path / name).write_bytes(image.getvalue())
    db.session.add_all([Setting(region_code="32.04", key="letterhead_logo", value=name),
                        Setting(region_code="32.04", key="letterhead_lines",
                                value="PEMERINTAH KABUPATEN BANDUNG\nDINAS SOSIAL\nJl. Raya Soreang Km. 17")])
    db.session.commit()


def test_the_receipt_the_letter_and_the_report_print_the_same_letterhead(app, client, make_user, make_case,
                                                                         login_as, with_letterhead):
    officer, signer = make_user("back_office"), make_user("supervisor")
    referral = referral_in(ReferralStatus.APPROVED, make_case(), officer, signer)
    login_as("supervisor")
    pages = {"receipt": client.get(f"/kasus/{referral.case_id}/tanda-terima"),
             "letter": client.get(f"/rujukan/{referral.id}/surat"),
             "report": client.get("/laporan/bulanan")}
    for name, response in pages.items():
        html = response.get_data(as_text=True)
        assert response.status_code == 200, name
        assert "Jl. Raya Soreang Km. 17" in html and 'src="data:image/png;base64,' in html, name


def test_the_pdfs_carry_the_letterhead_and_its_logo(app, client, login_as, with_letterhead):
    from slrt.admin.letterhead import letterhead
    from slrt.reports.pdf import ReportPDF, draw_letterhead
    with app.test_request_context():
        head = letterhead()
        pdf = ReportPDF(format="A4", unit="mm")
        pdf.add_page()
        draw_letterhead(pdf, head)
        body = bytes(pdf.output())
    assert head.lines[2] == "Jl. Raya Soreang Km. 17" and head.logo_path is not None
    assert b"/Subtype /Image" in body
