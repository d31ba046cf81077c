"""One-time form ids: a form that creates or decides something is carried out once, however often it is posted.

Each such form carries a hidden `form_id` (a fresh uuid4 for every form rendered). The view claims the id in
the same transaction as the change it makes, so a second post of the same form (a double click, a browser
retrying after a slow line timed out) finds the first one's row, changes nothing and shows the first result.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.submissions.commands import forms_cli
    from slrt.submissions.operations import new_form_id

    app.jinja_env.globals["new_form_id"] = new_form_id
    app.cli.add_command(forms_cli)
