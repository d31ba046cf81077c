"""A list that becomes cards on a phone (class "stack", static/css/slrt.css) names each cell's column from its
data-label: every header of such a table is repeated on its cells, with the same translated text, and no
translation of a label can break out of the attribute. (tests/browser/test_phone_lists_browser.py shows it.)"""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TABLE = re.compile(r"<table[^>]*\bclass=\"[^\"]*\bstack\b[^\"]*\"[^>]*>.*?</table>", re.S)


def stacked_tables():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for table in TABLE.findall(path.read_text()):
            yield path.relative_to(ROOT), table


def test_every_header_of_a_stacked_list_is_repeated_on_its_cells():
    seen = 0
    for path, table in stacked_tables():
        if 'class="list queue stack cards"' in table:
            continue  # the case queue: its cards carry no labels (issue 10's byte budget for the htmx swap)
        head = re.search(r"<thead>(.*?)</thead>", table, re.S)
        if not head:
            continue
        names = [h.strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head.group(1), re.S)]
        body = table[table.index("<tbody"):]
        headers = set(names) - {""}
        # The first column may go unlabelled: it is the card's title (a row header, a programme's name).
        required = set(names[1:]) - {""} if ('<th scope="row"' in body or not body.count(f'data-label="{names[0]}"'))\
            else headers
        labels = set(re.findall(r'data-label="([^"]*)"', body))
        # planning's per-status columns take their label from the same label() call as their header
        assert labels >= {h for h in required if "{%" not in h}, (str(path), required - labels)
        assert labels <= headers | {lab for lab in labels if "label(" in lab}, (str(path), labels - headers)
        seen += 1
    assert seen >= 30


def test_no_translation_of_a_column_label_holds_a_quote_or_markup():
    """_() in a template gives markup-safe text: a quote in a translation would end the data-label attribute."""
    ids = set()
    for path in (ROOT / "templates").rglob("*.html"):
        ids |= set(re.findall(r"data-(?:label|none)=\"\{\{ _\('([^']*)'\) \}\}\"", path.read_text()))
    assert len(ids) > 50
    for catalogue in (ROOT / "slrt").glob("*/translations/en/LC_MESSAGES/messages.po"):
        with catalogue.open("rb") as po:
            for message in read_po(po):
                if message.id in ids:
                    assert not re.search(r"[\"<>&]", message.string or ""), (message.id, message.string)
