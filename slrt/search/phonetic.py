"""The Indonesian name key: one spelling for the ways a clerk, a family card and a registry extract write a name.

Hand-written on purpose: generic phonetic codes (Soundex, Metaphone, NYSIIS, as in `jellyfish`) are built for
English and know nothing of the Dutch-era spelling (Ejaan Van Ophuijsen / Soewandi) still found on KTPs and in
DTSEN extracts, nor of the Arabic names written a dozen ways; no maintained library covers them. The key keeps
the word boundaries, so a search can match the start of any word, and stays close to the name as written
(vowels are kept), so "Siti" does not also find "Soto".

What it folds together:
- case, accents and punctuation: "Ma'ruf" = "MARUF", "Zoë" = "ZOE";
- old spelling: oe → u (Soekarno), dj → j (Djoko), tj → c (Tjahjo), j = y (Jusuf, Djaja),
  nj → ny, sj → sy, ch/kh → h (Achmad, Chairul, Khairul), oo → u (Noor);
- doubled letters (Sitti, Muhammad), a silent h after a consonant (Dhani, Bhakti) and at a word's end (Aminah);
- the spellings and abbreviations of Muhammad (Mohammad, Mochamad, Muh., Moh., Mhd.).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Applied in this order to an upper-case word of letters only. TJ must become C before its J is read.
# The old j (Jusuf) and the modern j (Joko, once Djoko) cannot be told apart on paper, so j and y share a key.
_RULES: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(pattern), replacement) for pattern, replacement in (
    (r"TJ", "C"),
    (r"DJ", "J"),
    (r"J", "Y"),
    (r"DZ", "Z"),
    (r"OE", "U"),
    (r"OO", "U"),
    (r"[CK]H", "H"),
    (r"Q", "K"),
    (r"PH", "F"),
    (r"([BDGT])H", r"\1"),  # Dhani, Bhakti, Thomas, Ghani
    (r"(.)\1+", r"\1"),     # doubled letters
))
_FINAL_H = re.compile(r"(?<=.)H$")  # Aminah, Fatimah; after the aliases, which know "Moh."

# Muhammad after the rules above (Mochammad → MOHAMAD, Muhammed → MUHAMED) and its common abbreviations.
_MUHAMMAD = "MUHAMAD"
_ALIASES = {variant: _MUHAMMAD for variant in (
    "MUHAMAD", "MOHAMAD", "MUHAMED", "MOHAMED", "MUHAMAT", "MOHAMAT", "MUHAMET", "MOHAMET", "MUHMAD", "MOHMAD",
    "MUAMAD", "MAMAD", "MUH", "MOH", "MUHD", "MOHD", "MHD", "MHMD")}

# Upper-case ASCII to key letters: an apostrophe (Ma'ruf) joins, any other mark or digit separates words.
_ASCII = str.maketrans({**{chr(c): " " for c in range(128) if not chr(c).isalpha() or not chr(c).isupper()},
                        "'": None, "`": None})


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """The key of one upper-case word of letters A-Z. Cached: a district's names are made of a few thousand
    words, so a registry import of a million people computes each word's key about once."""
    for pattern, replacement in _RULES:
        word = pattern.sub(replacement, word)
    return _ALIASES.get(word) or _FINAL_H.sub("", word)


def name_key(name: str) -> str:
    """The searchable key of a full name: one key per word, single spaces, at most 120 characters."""
    if not name:
        return ""
    upper = name.upper()
    if not upper.isascii():
        decomposed = unicodedata.normalize("NFKD", upper.replace("’", "'"))
        upper = "".join(c for c in decomposed if c.isascii())  # marks dropped: É → E; other scripts dropped
    return " ".join(map(word_key, upper.translate(_ASCII).split()))[:120]
