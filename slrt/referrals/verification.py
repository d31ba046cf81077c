"""What the public verification page may say about the person holding a letter: enough for the agency's
desk to match the letter to the KTP in front of it, not enough to identify anyone from the URL alone."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Holder:
    initials: str    # "A. S." for Ani Suryani
    nik_last4: str   # the last four digits of the NIK, "" when none is recorded


def initials(name: str) -> str:
    letters = [word[0].upper() for word in name.split() if word[:1].isalpha()]
    return " ".join(f"{letter}." for letter in letters)


def holder_of(person) -> Holder:
    nik = "".join(ch for ch in (person.nik or "") if ch.isdigit())
    return Holder(initials=initials(person.name or ""), nik_last4=nik[-4:] if len(nik) == 16 else "")
