"""Values that people or imports wrote never come back as HTML: not through translated messages, not
through any page or partial.

Flask-Babel's lazy strings carry `__html__`, so Jinja prints `_l("… %(x)s", x=value)` without escaping it;
htmx then acts on any `hx-*` attribute in it, with the page's own CSRF header. The convention: `_l` only for
constant texts; a message with values is made with eager `gettext` (a `str`, escaped by Jinja) or put
together in the template.
"""
from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

from flask import render_template

from slrt.core.errors import DomainError
from slrt.registry.suggestions import Member, Profile, suggest
from tests.conftest import HX

ROOT = Path(__file__).resolve().parent.parent
LAZY = {"_l", "lazy_gettext", "lazy_ngettext", "lazy_pgettext", "lazy_npgettext"}
FORM_PAYLOAD = '"><form hx-post=/keluar hx-trigger=load>'


def lazy_calls_with_values(source: str, filename: str) -> list[str]:
    """`_l(...)` calls that interpolate values (keyword arguments, placeholders, or a non-constant text)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        if name not in LAZY:
            continue
        texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if node.keywords or len(texts) != len(node.args) or any("%(" in t for t in texts):
            found.append(f"{filename}:{node.lineno}: {ast.unparse(node)[:90]}")
    return found


def test_no_lazy_translated_string_carries_values():
    """The guard: a lazy string with values would be printed unescaped, so none may exist in the code."""
    offenders = []
    for path in sorted((ROOT / "slrt").rglob("*.py")):
        offenders += lazy_calls_with_values(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert offenders == [], "use gettext(...) for messages with values:\n" + "\n".join(offenders)


def test_the_guard_catches_the_forms_of_the_mistake():
    bad = ('from flask_babel import lazy_gettext as _l\nimport flask_babel\n'
           'a = _l("Nama %(u)s sudah dipakai.", u=name)\n'
           'b = flask_babel.lazy_gettext("Kode %(c)s")\n'
           'c = _l(text)\n')
    assert len(lazy_calls_with_values(bad, "x.py")) == 3
    assert lazy_calls_with_values('a = _l("Simpan")\nb = gettext("Nama %(u)s", u=name)\n', "x.py") == []


def test_domain_error_message_is_plain_text(app):
    """Whatever an operation raises, views print a `str`, which Jinja escapes."""
    from flask_babel import lazy_gettext
    error = DomainError(lazy_gettext("Simpan"))
    assert type(error.message) is str and not hasattr(error.message, "__html__")


def test_letter_number_preview_does_not_render_the_typed_pattern_as_html(client, login_as):
    """The reported attack: a pattern with markup in an unknown placeholder came back as a live htmx form."""
    login_as("admin")
    pattern = "{<form hx-post=/admin/pengguna/13 hx-trigger=load>}{<input name=role value=admin>}"
    for headers in (HX, {}):
        response = client.get("/admin/pengaturan/pratinjau-nomor", query_string={"letter_pattern": pattern},
                              headers=headers)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "<form hx-post" not in body and "<input name=role" not in body
        assert "&lt;form hx-post=/admin/pengguna/13 hx-trigger=load&gt;" in body  # shown, as text


def test_registry_suggestions_escape_names_from_an_imported_file(app):
    """A name in a DTSEN extract is data, even when a suggestion quotes it."""
    profile = Profile(in_registry=True, decile=2, members=[
        Member(FORM_PAYLOAD, 72, 1), Member("<img src=x onerror=alert(1)>", 12, 3, disability=True)])
    with app.test_request_context():
        html = render_template("registry/_suggestions.html", suggestions=suggest(profile))
    assert "<form" not in html and "<img" not in html
    assert "&lt;form hx-post=/keluar hx-trigger=load&gt;" in html


def test_htmx_is_configured_so_swapped_html_cannot_do_more_than_it_needs(client):
    """Defence in depth, read from the page as the browser gets it: no eval (hx-on, js: values), no script
    tags from responses, requests only to this portal, no copies of pages in localStorage (they hold personal
    data), and out-of-band swaps only from the top level of a response (not from a row someone wrote)."""
    import json
    import re
    page = client.get("/masuk").get_data(as_text=True)
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert meta, "base.html sets htmx.config through the htmx-config meta tag"
    config = json.loads(meta.group(1))
    assert config["allowEval"] is False and config["allowScriptTags"] is False
    assert config["selfRequestsOnly"] is True and config["historyCacheSize"] == 0
    assert config["allowNestedOobSwaps"] is False
