"""The second factor: TOTP codes (RFC 6238, as Google Authenticator, FreeOTP or Aegis make them) and
one-time recovery codes. Pure helpers; every change to an account goes through slrt.auth.operations.

The TOTP secret is kept encrypted (Fernet) with a key derived from SLRT_TOTP_KEY, else SECRET_KEY: a copy
of the database alone does not give the codes away. Changing that key makes every enrolled secret
unreadable (the administrator then resets the users' second factor). Recovery codes carry about 50 bits
of randomness, so a keyed SHA-256 of them is as good as a slow hash and can be looked up directly.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from slrt.auth.models import Role

ISSUER = "SLRT"
INTERVAL = 30            # seconds per code
DRIFT_STEPS = 1          # a code from the step before or after is accepted too (phone clocks drift)
RECOVERY_CODE_COUNT = 10
PENDING_SECONDS = 15 * 60  # how long an enrolment may wait for its first code
# Read off a sheet of paper and typed: no 0/O, 1/l/I.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _key_material(purpose: bytes) -> bytes:
    secret = current_app.config.get("SLRT_TOTP_KEY") or current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"slrt " + purpose).derive(secret)


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key_material(b"totp-secret")))


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token: str | None, max_age: int | None = None) -> str | None:
    """The plain secret, or None when the token is missing, tampered with, too old or under another key."""
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode(), ttl=max_age).decode()
    except (InvalidToken, ValueError):
        return None


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret, interval=INTERVAL).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The enrolment QR as an SVG data: URI (the CSP allows data: images; no script needed)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def matching_step(secret: str, code: str, after_step: int | None, now: float | None = None) -> int | None:
    """The time step whose code equals `code`, within the allowed drift and later than `after_step`
    (so a code already accepted, or an older one, is refused), or None."""
    code = normalise_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=INTERVAL)
    current = int((time.time() if now is None else now) // INTERVAL)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        # compare every candidate, so the time taken does not say which step matched
        if hmac.compare_digest(totp.generate_otp(step), code) and (after_step is None or step > after_step):
            found = step
    return found


def looks_like_totp(code: str) -> bool:
    code = normalise_code(code)
    return len(code) == 6 and code.isdigit()


def new_recovery_codes() -> list[str]:
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.add(f"{raw[:5]}-{raw[5:]}")
    return sorted(codes)


def recovery_code_hash(code: str) -> str:
    return hmac.new(_key_material(b"recovery-code"), normalise_code(code).encode(), hashlib.sha256).hexdigest()


# The roles whose second factor the district can make compulsory (setting "two_factor_required").
PRIVILEGED_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})


def two_factor_required(user) -> bool:
    """The district requires a second factor of this user's role."""
    if user is None or user.role not in PRIVILEGED_ROLES:
        return False
    from slrt.admin import settings
    return settings.get("two_factor_required") == "1"


def remaining_recovery_codes(user) -> int:
    from sqlalchemy import func, select

    from slrt.auth.models import RecoveryCode
    from slrt.extensions import db
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0
