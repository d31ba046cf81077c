"""One `can` for templates: each feature registers its predicates by name when the app is built, and a
template asks `can('sign_off', referral)` or `can('register')` for the logged-in user. Views keep calling the
predicates themselves (`require(can_sign_off, referral)`); this is the same predicate under one name."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType

from flask import Flask, current_app
from flask_login import current_user

_KEY = "slrt.permissions"
PREFIX = "can_"


def predicates_of(module: ModuleType) -> dict[str, Callable[..., bool]]:
    """The `can_*` predicates defined in `module` (not those it imports), named without the prefix."""
    return {name.removeprefix(PREFIX): value for name, value in vars(module).items()
            if name.startswith(PREFIX) and callable(value) and getattr(value, "__module__", None) == module.__name__}


def register(app: Flask, predicates: Mapping[str, Callable[..., bool]] | ModuleType) -> None:
    """Add a feature's predicates to the app's table; two different predicates under one name is a bug."""
    if isinstance(predicates, ModuleType):
        predicates = predicates_of(predicates)
    table = app.extensions.setdefault(_KEY, {})
    for name, predicate in predicates.items():
        if table.get(name, predicate) is not predicate:
            raise ValueError(f"two permission predicates are named {name!r}")
        table[name] = predicate


def names(app: Flask) -> frozenset[str]:
    return frozenset(app.extensions.get(_KEY, {}))


_NOTHING = object()


def can(action: str, obj=_NOTHING) -> bool:
    """Whether the current user may do `action` (on `obj`, for a predicate that takes one). An unknown
    action raises: a misspelt name in a template must fail its test, not hide a button for everyone."""
    predicate = current_app.extensions.get(_KEY, {}).get(action)
    if predicate is None:
        raise LookupError(f"no permission predicate named {action!r}")
    user = current_user._get_current_object()
    return bool(predicate(user) if obj is _NOTHING else predicate(user, obj))
