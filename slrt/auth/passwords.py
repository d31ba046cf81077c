"""Password hashing with Argon2id (a deliberately slow hash), and the rules a new password must meet."""
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import CHEAPEST
from flask import current_app, has_app_context
from flask_babel import gettext as _

_hasher = PasswordHasher()
# Tests only (TestConfig sets SLRT_CHEAP_PASSWORD_HASH): still Argon2id, with the smallest cost, so
# a suite that creates hundreds of accounts runs in seconds. Verification reads the cost from the hash.
_cheap_hasher = PasswordHasher.from_parameters(CHEAPEST)
# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("dummy-password-for-timing")
_CHEAP_DUMMY_HASH = _cheap_hasher.hash("dummy-password-for-timing")

MIN_LENGTH = 10


def _cheap() -> bool:
    return has_app_context() and bool(current_app.config.get("SLRT_CHEAP_PASSWORD_HASH"))


def hash_password(password: str) -> str:
    return (_cheap_hasher if _cheap() else _hasher).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    dummy = _CHEAP_DUMMY_HASH if _cheap() else _DUMMY_HASH
    try:
        return _hasher.verify(password_hash or dummy, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# --- What a new password must not be --------------------------------------------------------------------
# Length is the first rule, not the only one. A password is also refused when it is one character (or two)
# over and over, when it carries the account's username or the person's name (also reversed or with
# 0/1/3/4/5/7/@/$ for letters), or when zxcvbn — whose offline lists include the 30,000 most common
# passwords from public breaches — judges it guessable in fewer than 10^8 tries (score below 3).
# Words of fewer than four letters are not looked for in the password: "adi" or "sri" sit inside too
# many ordinary words; zxcvbn still counts them against the password.
MIN_SCORE = 3
MIN_NAME_PART = 4
_MAX_CHECKED = 72  # zxcvbn's own default: its time grows with length, and past that nothing is guessable
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})


def _name_parts(username: str, full_name: str) -> set[str]:
    words = {w for w in re.split(r"[^0-9a-z]+", f"{username} {full_name}".lower()) if len(w) >= MIN_NAME_PART}
    compact = re.sub(r"[^0-9a-z]+", "", username.lower())
    if len(compact) >= MIN_NAME_PART:
        words.add(compact)
    return words


def _forms(password: str) -> set[str]:
    lower = password.lower()
    forms = {lower, lower.translate(_LEET), lower.replace("1", "l").translate(_LEET)}
    forms |= {re.sub(r"[^0-9a-z]+", "", form) for form in list(forms)}
    return forms | {form[::-1] for form in forms}


def password_problem(password: str, *, username: str = "", full_name: str = "") -> str | None:
    """Why this password is refused, as a sentence for the person (None when it is acceptable)."""
    if len(password) < MIN_LENGTH:
        return _("Kata sandi minimal %(n)d karakter.", n=MIN_LENGTH)
    if len(set(password.lower())) <= 2:
        return _("Kata sandi tidak boleh hanya berupa satu atau dua karakter yang diulang-ulang.")
    parts = _name_parts(username, full_name)
    if any(part in form for form in _forms(password) for part in parts):
        return _("Kata sandi tidak boleh memuat nama pengguna atau nama Anda.")
    from zxcvbn import zxcvbn  # loads its word lists on first use
    checked = password[:_MAX_CHECKED]
    result = zxcvbn(checked, user_inputs=sorted(parts), max_length=_MAX_CHECKED)
    if result["score"] >= MIN_SCORE:
        return None
    return _weakness(checked, result["sequence"]) + " " + _(
        "Pakai beberapa kata yang tidak umum dan tidak berhubungan, misalnya tiga kata acak dengan tanda hubung.")


def _weakness(password: str, sequence: list[dict]) -> str:
    """Name the weakest part of the password the way zxcvbn sees it (the longest match)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS
    if password.lower() in _common_passwords(FREQUENCY_LISTS):
        return _("Kata sandi ini termasuk daftar kata sandi yang paling umum dipakai atau pernah bocor.")
    match = max(sequence, key=lambda m: len(m["token"]), default={"pattern": "bruteforce"})
    pattern = match["pattern"]
    if pattern == "dictionary":
        if match.get("dictionary_name") == "passwords":
            return _("Kata sandi ini mirip dengan kata sandi yang umum dipakai atau pernah bocor.")
        if match.get("dictionary_name") == "user_inputs":
            return _("Kata sandi ini memuat nama pengguna atau nama Anda.")
        return _("Kata atau nama yang umum mudah ditebak.")
    if pattern == "repeat":
        return _("Kata sandi ini mengulang potongan yang sama.")
    if pattern == "spatial":
        return _("Kata sandi ini mengikuti deretan tombol keyboard.")
    if pattern == "sequence":
        return _("Kata sandi ini berupa urutan huruf atau angka.")
    if pattern in ("date", "regex"):
        return _("Kata sandi ini bertumpu pada tahun atau tanggal.")
    return _("Kata sandi ini terlalu mudah ditebak.")


_COMMON: frozenset[str] | None = None


def _common_passwords(lists) -> frozenset[str]:
    global _COMMON
    if _COMMON is None:
        _COMMON = frozenset(lists["passwords"])
    return _COMMON
