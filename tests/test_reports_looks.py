"""How the monthly report and the dashboard look: the PDF's tables stay white after a chart, its column
headers wrap between words only, the per-region table fits the page, and the dashboard's agency chart
shows every agency's whole name."""
from __future__ import annotations

import re
import zlib

import pytest

from slrt.reports.charts import COLOURS, stacked_bars
from tests import reports_helpers as h


@pytest.fixture
def ds(app, places, make_user):
    return h.build(places, make_user)


def content_streams(data: bytes) -> list[str]:
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return out


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(round(int(colour[i:i + 2], 16) / 255, 2) for i in (1, 3, 5))


def filled_rectangles(data: bytes) -> dict[tuple, int]:
    """How many rectangles the PDF fills with each colour (r, g, b rounded to 2 places)."""
    counts: dict[tuple, int] = {}
    for stream in content_streams(data):
        fill, saved = (0.0, 0.0, 0.0), []
        tokens = stream.split()
        for i, token in enumerate(tokens):
            if token == "q":
                saved.append(fill)
            elif token == "Q" and saved:
                fill = saved.pop()
            elif token == "rg":
                fill = tuple(round(float(v), 2) for v in tokens[i - 3:i])
            elif token == "g":
                fill = (round(float(tokens[i - 1]), 2),) * 3
            elif token == "re" and i + 1 < len(tokens) and tokens[i + 1] in ("f", "f*", "B", "B*", "F"):
                counts[fill] = counts.get(fill, 0) + 1
    return counts


def drawn_text(data: bytes) -> list[str]:
    return [t for stream in content_streams(data) for t in re.findall(r"\((.*?)\) ?Tj", stream)]


def test_the_pdf_fills_with_a_chart_colour_only_what_the_charts_draw(ds, client, login_as):
    """Each chart colour fills as many rectangles in the PDF as in the page's SVG charts (legend and bars):
    no table row after a chart comes out filled with the chart's last colour."""
    login_as("supervisor")
    month = {"month": f"{ds.today:%Y-%m}"}
    page = client.get("/laporan/bulanan", query_string=month).get_data(as_text=True)
    pdf = client.get("/laporan/bulanan.pdf", query_string=month).data
    assert 'fill="#8aa1b8"' in page, "the outcomes chart is drawn: the month has referrals at every step"
    filled = filled_rectangles(pdf)
    for key, colour in COLOURS.items():
        in_svg = len([r for r in re.findall(rf'<rect [^>]*fill="{colour}"', page) if 'height="0.0"' not in r])
        assert filled.get(_rgb(colour), 0) == in_svg, key


def test_pdf_column_headers_break_between_words_only(ds, client, login_as):
    login_as("supervisor")
    pdf = client.get("/laporan/bulanan.pdf", query_string={"month": f"{ds.today:%Y-%m}"}).data
    words = {w for text in drawn_text(pdf) for w in text.split()}
    headers = ["Terdaftar", "Diproses", "Menunggu", "dokumen", "warga", "penutupan", "Rujukan", "selesai",
               "Terlambat", "penetapan", "Persentil", "ke-90", "instansi", "Ditetapkan,", "Jumlah"]
    broken = [w for w in headers if w not in words]
    assert not broken, f"header words cut in two: {broken}"


def test_the_per_region_table_fits_the_page(ds, client, login_as):
    """Every text of the report lies inside its page (A4 portrait or landscape)."""
    login_as("supervisor")
    pdf = client.get("/laporan/bulanan.pdf", query_string={"month": f"{ds.today:%Y-%m}"}).data
    boxes = [tuple(float(v) for v in m) for m in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]
    assert boxes
    widest_page = max(w for w, _h in boxes)
    for stream in content_streams(pdf):
        for x in re.findall(r"BT ([\d.]+) [\d.]+ Td", stream):
            assert float(x) < widest_page - 20
    assert "Menurut wilayah" in " ".join(drawn_text(pdf))


def test_the_agency_chart_shows_whole_names():
    long = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bandung Barat Daya"
    svg = str(stacked_bars([(long, {"completed": 2}), ("BPJS Kesehatan", {"declined": 1})],
                           [("completed", "Selesai"), ("declined", "Ditolak")], "Hasil rujukan"))
    visible = re.sub(r"<title>.*?</title>", "", svg)
    shown = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", visible))
    assert long in shown and "BPJS Kesehatan" in shown
    assert "…" not in shown


def _outcome_rows(names):
    from slrt.reports.figures import Row
    return [Row(key=i, label=name, count=3, cells={"completed": 2, "declined": 1}) for i, name in enumerate(names)]


def test_the_pdf_agency_chart_shows_whole_names(app):
    """The PDF's chart once cut names at 38 characters ("Dinas Kependudukan dan Pencatatan Sipi")."""
    from slrt.reports.pdf import ReportPDF, _stacked_chart
    long = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bandung Barat Daya"
    pdf = ReportPDF(format="A4", unit="mm")
    pdf.add_page()
    with app.test_request_context():
        _stacked_chart(pdf, "Hasil rujukan", _outcome_rows([long, "BPJS Kesehatan"]))
    shown = " ".join(drawn_text(bytes(pdf.output())))
    assert long in shown and "BPJS Kesehatan" in shown


def test_the_pdf_agency_chart_stays_on_one_page(app):
    """A chart that no longer fits the page starts on the next one, whole: no bar left alone over the page."""
    from slrt.reports.pdf import ReportPDF, _stacked_chart
    names = [f"Instansi nomor {i}" for i in range(8)]
    pdf = ReportPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_y(pdf.h - 16 - 40)  # 40 mm left: the legend and 8 rows need about 57
    with app.test_request_context():
        _stacked_chart(pdf, "Hasil rujukan", _outcome_rows(names))
    pages = [" ".join(re.findall(r"\((.*?)\) ?Tj", stream)) for stream in content_streams(bytes(pdf.output()))]
    assert pdf.page == 2
    assert not any(name in pages[0] for name in names)
    assert all(name in pages[1] for name in names)
