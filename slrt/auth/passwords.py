"""Password hashing with Argon2id (a deliberately slow hash)."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import CHEAPEST
from flask import current_app, has_app_context

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
