"""Keep a message inside the GSM 7-bit alphabet, so 160 characters really are one SMS (a single character
outside it, such as "…" or a curly quote, switches the whole SMS to UCS-2 and a limit of 70)."""
from __future__ import annotations

import unicodedata

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
REPLACEMENTS = {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "{": "(", "}": ")",
                "[": "(", "]": ")", "~": "-", "^": "", "\\": "/", "|": "/", "€": "EUR", "\t": " ", "·": "-"}


def to_gsm7(text: str) -> str:
    out = []
    for char in text:
        char = REPLACEMENTS.get(char, char)
        if all(c in GSM7_BASIC for c in char):
            out.append(char)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if c in GSM7_BASIC)
        out.append(plain)
    return "".join(out)
