"""The file's canonical bytes and its Ed25519 signature (the `cryptography` package)."""
from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def canonical(document: dict) -> bytes:
    """One byte string per content: sorted keys, no spaces, UTF-8. What is signed and what is checked."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(document: dict, private_key: Ed25519PrivateKey) -> dict:
    return {**document, "signature": base64.b64encode(private_key.sign(canonical(document))).decode()}


def verify(signed: dict, public_key_text: str) -> bool:
    """Whether `signed` (with its "signature") was signed by the key, byte for byte as received."""
    unsigned = {k: v for k, v in signed.items() if k != "signature"}
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_text, validate=True))
        key.verify(base64.b64decode(str(signed.get("signature", "")), validate=True), canonical(unsigned))
    except (InvalidSignature, ValueError):
        return False
    return True


def public_text(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def is_public_key(text: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
    except ValueError:
        return False
    return True


def new_key_file(path: Path) -> Ed25519PrivateKey:
    """A new private key in `path`, readable by its owner only (created 0600, never overwritten)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return key


def load_key_file(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    return key
