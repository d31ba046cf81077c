"""Panels that features contribute to another feature's page (the case page, the intake form, the NIK check,
a referral, a proposal, the person page), like the menu's entries: each feature registers its panel in its
init_app, and the page's view builds every panel's context before its one commit. Templates loop over the
ready panels and only read what they were given: a panel's `build` may query and write audit rows, a
template never does.

A panel is a name, an order, a template (None: data only, for the page's own template to read by name) and
`build(subject, user) -> context | None` (None leaves the panel out, e.g. for a user who may not see it).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

_KEY = "slrt.panels"


@dataclass(frozen=True)
class Panel:
    name: str
    order: int
    template: str | None
    build: Callable[[Any, Any], dict | None]


@dataclass(frozen=True)
class ReadyPanel:
    name: str
    template: str | None
    context: dict


def register(app: Flask, page: str, name: str, order: int, template: str | None,
             build: Callable[[Any, Any], dict | None]) -> None:
    """Add a feature's panel to `page`; a second feature taking the same name on one page is a bug."""
    table = app.extensions.setdefault(_KEY, {}).setdefault(page, {})
    existing = table.get(name)
    if existing is not None and existing.build is not build:
        raise ValueError(f"two panels named {name!r} on the page {page!r}")
    table[name] = Panel(name, order, template, build)


def build(page: str, subject, user, given: Mapping[str, Mapping] | None = None) -> list[ReadyPanel]:
    """Every panel of `page` for `subject` and `user`, in order, its context built now (queries, audit rows).
    `given` puts a view's own values into a panel's context by name, e.g. a refused form with what the user
    typed: {"handling": {"close_form": form}}."""
    given = given or {}
    ready = []
    for panel in sorted(current_app.extensions.get(_KEY, {}).get(page, {}).values(), key=lambda p: p.order):
        context = panel.build(subject, user)
        if context is None:
            continue
        ready.append(ReadyPanel(panel.name, panel.template, {**context, **given.get(panel.name, {})}))
    return ready


def by_name(panels: list[ReadyPanel]) -> dict[str, dict]:
    """The ready panels' contexts by name, for a page template that reads one panel's data in its own layout."""
    return {panel.name: panel.context for panel in panels}
