"""Human labels (translated) for the values of status enums and other coded fields.

Each feature registers its enums' labels next to them; templates call `label(CaseStatus, case.status)`.
"""
from __future__ import annotations

from enum import Enum


class Labels:
    def __init__(self) -> None:
        self._by_enum: dict[str, dict[str, object]] = {}

    def register(self, enum_cls: type[Enum] | str, mapping: dict) -> None:
        key = enum_cls if isinstance(enum_cls, str) else enum_cls.__name__
        self._by_enum.setdefault(key, {}).update({str(getattr(k, "value", k)): v for k, v in mapping.items()})

    def label(self, enum_cls, value) -> str:
        key = enum_cls if isinstance(enum_cls, str) else enum_cls.__name__
        value = str(getattr(value, "value", value))
        text = self._by_enum.get(key, {}).get(value)
        return str(text) if text is not None else value

    def choices(self, enum_cls) -> list[tuple[str, str]]:
        key = enum_cls if isinstance(enum_cls, str) else enum_cls.__name__
        return [(value, str(text)) for value, text in self._by_enum.get(key, {}).items()]


LABELS = Labels()
