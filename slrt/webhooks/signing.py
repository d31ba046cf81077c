"""The signing secret of a subscription and the signature of a delivery.

A delivery is signed like Stripe's and GitHub's webhooks: `X-SLRT-Signature: sha256=<hex>` is the
HMAC-SHA256, keyed with the subscription's secret, of `<X-SLRT-Timestamp>.<raw body>`. The subscriber
recomputes it over the bytes it received, compares in constant time, and refuses a timestamp older than a few
minutes (so a captured delivery cannot be replayed later).

To sign, the portal must read the secret back, so it cannot keep only a hash as it does for API tokens. It
keeps it encrypted (Fernet: AES-128-CBC with an HMAC) under a key derived by HKDF from SECRET_KEY: a copy of
the database alone (a backup, a dump handed to a contractor) does not let anyone forge deliveries. Changing
SECRET_KEY makes the stored secrets unreadable: those subscriptions are then re-created.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

SECRET_PREFIX = "whsec_"


def _fernet() -> Fernet:
    key = current_app.config["SECRET_KEY"]
    if isinstance(key, str):
        key = key.encode()
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"slrt webhook-secret").derive(key)
    return Fernet(base64.urlsafe_b64encode(derived))


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token: str) -> str | None:
    """The plain secret, or None when it was encrypted under another SECRET_KEY (or tampered with)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The value of X-SLRT-Signature."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"
