"""The main menu. Each feature registers its entries (in its init_app) under one of the menu's groups, so
base.html needs no edits when a feature is added. A back-office account sees some twenty entries: on a
phone they fold into the groups below, so the menu does not fill the first screen."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Callable

from flask_babel import lazy_gettext as _l


class MenuGroup(StrEnum):
    CASES = "cases"
    REFERRALS = "referrals"
    REGISTRY = "registry"
    REPORTS = "reports"
    ADMIN = "admin"


GROUP_LABELS = {MenuGroup.CASES: _l("Kasus"), MenuGroup.REFERRALS: _l("Rujukan"), MenuGroup.REGISTRY: _l("Registri"),
                MenuGroup.REPORTS: _l("Laporan"), MenuGroup.ADMIN: _l("Admin")}


@dataclass(frozen=True)
class NavItem:
    order: int
    endpoint: str
    label: object  # a lazy_gettext string
    allowed: Callable  # predicate(user) -> bool
    group: MenuGroup


@dataclass(frozen=True)
class NavGroup:
    group: MenuGroup
    label: object
    items: list[NavItem]


_ITEMS: list[NavItem] = []


def register(order: int, endpoint: str, label, allowed: Callable, group: MenuGroup) -> None:
    if not any(item.endpoint == endpoint for item in _ITEMS):
        _ITEMS.append(NavItem(order, endpoint, label, allowed, group))
        _ITEMS.sort(key=lambda item: item.order)


def items_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in _ITEMS if item.allowed(user)]


def groups_for(user) -> list[NavGroup]:
    """The user's entries by group, in the groups' order; a group the user has no entry in is left out."""
    items = items_for(user)
    return [NavGroup(group, GROUP_LABELS[group], [item for item in items if item.group == group])
            for group in MenuGroup if any(item.group == group for item in items)]
