"""The case queue: a fixed number of queries whatever the rows, and an htmx swap much lighter than the page."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from slrt.extensions import db


@contextmanager
def counted_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def make_cases(make_case, n: int, start: int = 0):
    """Visits as a counter sees them: one complaint each, every category in turn, every fifth with two."""
    from slrt.admin.models import ComplaintCategory
    categories = db.session.scalars(db.select(ComplaintCategory.id).order_by(ComplaintCategory.id)).all()
    for i in range(start, start + n):
        complaints = [(categories[i % len(categories)], "Keluhan pertama")]
        if i % 5 == 4:
            complaints.append((categories[(i + 1) % len(categories)], "Keluhan kedua"))
        make_case(nik=f"32040517088{i:05d}", name=f"Siti Nurhaliza {i}", complaints=complaints)


def queue_queries(client, url: str, **headers) -> int:
    db.session.commit()
    with counted_queries() as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", ["/kasus/?status=", "/kasus/hari-ini"])
def test_the_queue_runs_the_same_number_of_queries_for_10_25_or_60_cases(client, login_as, make_case, url):
    login_as("back_office")
    make_cases(make_case, 10)
    few = queue_queries(client, url)
    make_cases(make_case, 15, start=10)  # a full page (25 rows)
    full = queue_queries(client, url)
    make_cases(make_case, 35, start=25)  # the 60 (17 -> 32 queries once): 25 rows and a pager
    many = queue_queries(client, url)
    assert few == full == many, (few, full, many)
    assert few <= 10, few
    assert queue_queries(client, url, **{"HX-Request": "true"}) <= few


def test_the_htmx_rows_are_a_small_part_of_the_page(client, login_as, make_case):
    """At most 35% of the page's bytes, as issue 10 asks: 56% before the rows lost their indentation, optional end
    tags and per-cell classes, 38% then; 33-34% since the header carries the search box and the menu its counts
    (`python bench/case_queue.py` measures it on the demo district: 33.4% for 60 visits)."""
    login_as("back_office")
    make_cases(make_case, 25)
    page = client.get("/kasus/?status=")
    rows = client.get("/kasus/?status=", headers={"HX-Request": "true"})
    assert b"<html" in page.data and b"<html" not in rows.data
    assert len(rows.data) <= 0.35 * len(page.data), (len(rows.data), len(page.data))


def test_the_queue_filter_finds_a_partial_ticket_and_a_name_in_another_spelling(client, login_as, make_case):
    case = make_case(name="Sitti Noerhaliza")
    login_as("back_office")
    for typed in (case.ticket[:5], case.ticket[-5:].lower(), "siti nurhaliza", "NOERHALIZA"):
        html = client.get("/kasus/", query_string={"q": typed, "status": ""}).get_data(as_text=True)
        assert case.ticket in html, typed
    html = client.get("/kasus/", query_string={"q": "Budi", "status": ""}).get_data(as_text=True)
    assert case.ticket not in html


def test_the_queue_filter_box_will_not_send_a_nik_in_its_url(client, login_as):
    import re
    login_as("back_office")
    html = client.get("/kasus/").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="q"[^>]*>', html[html.index('class="filters"'):]).group(0)
    pattern = re.search(r'pattern="([^"]+)"', box).group(1)
    import html as entities
    compiled = re.compile(f"^(?:{entities.unescape(pattern)})$")
    assert compiled.match("W6WXS") and compiled.match("Siti Aminah") and compiled.match("RT 02")
    assert not compiled.match("3204051708850003") and not compiled.match("no 081234567890")
