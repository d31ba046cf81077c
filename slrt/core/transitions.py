"""Transition tables: which status may follow which, in one shape for every status enum.

Each feature declares its table once, next to its status enum in its models module; operations call
`check(current, target)` before a move, and a conditional UPDATE (a claim, a sign-off, the flip of an import)
names `sources(target)` in its WHERE, so the database refuses exactly what the table refuses.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from flask_babel import gettext

from slrt.core.errors import TransitionError
from slrt.core.labels import LABELS

E = TypeVar("E", bound=StrEnum)

# (label of the current status, label of the target) -> the message, translated when the move is refused.
Refusal = Callable[[str, str], str]


def _default_refusal(current: str, target: str) -> str:
    return gettext("Status \"%(current)s\" tidak dapat diubah menjadi \"%(target)s\".", current=current,
                   target=target)


class TransitionTable(Generic[E]):
    """dict[from, frozenset[to]] over every member of one status enum."""

    def __init__(self, enum: type[E], moves: Mapping[E, Iterable[E]], refused: Refusal | None = None):
        missing = [s for s in enum if s not in moves]
        strays = [t for targets in moves.values() for t in targets if not isinstance(t, enum)]
        if missing or strays or any(not isinstance(s, enum) for s in moves):
            raise ValueError(f"{enum.__name__} transition table: missing rows {missing}, strays {strays}")
        self.enum = enum
        self.moves: dict[E, frozenset[E]] = {s: frozenset(moves[s]) for s in enum}
        self._refused = refused or _default_refusal

    def targets(self, current) -> frozenset[E]:
        """Where a record in `current` may go (nothing for a status the enum does not know)."""
        try:
            return self.moves[self.enum(current)]
        except ValueError:
            return frozenset()

    def sources(self, target) -> frozenset[E]:
        """Every status from which `target` may be reached: the WHERE of a conditional UPDATE."""
        target = self.enum(target)
        return frozenset(s for s, targets in self.moves.items() if target in targets)

    def final(self) -> frozenset[E]:
        """The statuses a record never leaves (where its story has ended)."""
        return frozenset(s for s, targets in self.moves.items() if not targets)

    def allows(self, current, target) -> bool:
        return self.enum(target) in self.targets(current)

    def check(self, current, target) -> None:
        """Raise the one TransitionError, with a translated message, unless the move is allowed."""
        if not self.allows(current, target):
            raise TransitionError(self._refused(LABELS.label(self.enum, current), LABELS.label(self.enum, target)))

    def __contains__(self, status) -> bool:
        return status in self.moves

    def __iter__(self):
        return iter(self.moves.items())
