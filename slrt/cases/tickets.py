"""Ticket numbers a person can read aloud and type.

10 symbols from a 31-symbol alphabet without look-alikes (no 0/O, 1/I/L), grouped 5-5: `K7MQ4-P2XRT`. 31^10 ≈ 2^49.5, so at least 40 bits of randomness; drawn with
`secrets`, never sequential, so a ticket cannot be guessed from another.
"""
from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
GROUP = 5


def new_ticket() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return format_ticket(raw)


def format_ticket(raw: str) -> str:
    return "-".join(raw[i:i + GROUP] for i in range(0, len(raw), GROUP))


def normalize_ticket(typed: str | None) -> str | None:
    """The canonical form of a typed ticket, or None if it cannot be one.

    Case, spaces and dashes are forgiven. A symbol the alphabet does not use gives None: the ticket is
    wrong, and the page says so the same way as for an unknown ticket.
    """
    if not typed:
        return None
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -_.")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return format_ticket(cleaned)
