"""The main menu. Each feature registers its entries (in its init_app), so base.html needs no
edits when a feature is added."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class NavItem:
    order: int
    endpoint: str
    label: object  # a lazy_gettext string
    allowed: Callable  # predicate(user) -> bool


_ITEMS: list[NavItem] = []


def register(order: int, endpoint: str, label, allowed: Callable) -> None:
    if not any(item.endpoint == endpoint for item in _ITEMS):
        _ITEMS.append(NavItem(order, endpoint, label, allowed))
        _ITEMS.sort(key=lambda item: item.order)


def items_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in _ITEMS if item.allowed(user)]
