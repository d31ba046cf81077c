"""API clients: creating one (its token shown once), revoking it, and knowing it again by its token.
Nothing here commits: the caller's transaction does."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from slrt.api.models import AGENCY_PERMISSIONS, CLIENT_TRANSITIONS, ApiClient, ApiClientStatus, ApiPermission
from slrt.audit.operations import record
from slrt.auth.models import Role, User
from slrt.core.errors import DomainError
from slrt.core.time import utcnow
from slrt.extensions import db

TOKEN_PREFIX = "slrt_"
TOKEN_BYTES = 32  # 256 bits from the OS's generator: not guessable, so a plain hash suffices (no salt, no KDF)


@dataclass
class ClientData:
    name: str
    region_code: str
    permissions: list[str]
    expires_at: datetime
    rate_per_minute: int
    agency_id: int | None = None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def _check(data: ClientData) -> set[ApiPermission]:
    name = data.name.strip()
    if not name:
        raise DomainError(_("Nama klien wajib diisi."), field="name")
    if db.session.scalar(select(func.count()).select_from(ApiClient).where(ApiClient.name == name)):
        raise DomainError(_("Nama klien %(name)s sudah dipakai.", name=name), field="name")
    permissions = {ApiPermission(p) for p in data.permissions if p in set(ApiPermission)}
    if not permissions:
        raise DomainError(_("Pilih sedikitnya satu izin."), field="permissions")
    if ApiPermission.ANSWER_REFERRALS in permissions:
        if data.agency_id is None:
            raise DomainError(_("Klien yang menjawab rujukan harus terikat pada satu instansi."), field="agency")
        if permissions - AGENCY_PERMISSIONS:
            raise DomainError(_("Klien instansi hanya dapat menjawab rujukan dan membaca status; izin lain "
                                "diberikan kepada klien kantor tersendiri."), field="permissions")
    elif data.agency_id is not None:
        raise DomainError(_("Instansi hanya diisi untuk klien yang menjawab rujukan."), field="agency")
    if data.expires_at <= utcnow():
        raise DomainError(_("Tanggal berlaku harus sesudah hari ini."), field="expires_on")
    return permissions


def create_client(data: ClientData, actor) -> tuple[ApiClient, str]:
    """A new client with its service account; returns the client and its token (shown once, never stored)."""
    permissions = _check(data)
    token = new_token()
    agency_client = ApiPermission.ANSWER_REFERRALS in permissions
    account = User(username=f"api-{secrets.token_hex(6)}", full_name=_("Klien API: %(name)s", name=data.name.strip()),
                   role=str(Role.AGENCY_LIAISON if agency_client else Role.BACK_OFFICE),
                   region_code=data.region_code, agency_id=data.agency_id if agency_client else None,
                   password_hash="!",  # no password opens it: argon2 rejects this hash
                   active=False)       # and no session either: the session loader refuses inactive accounts
    db.session.add(account)
    db.session.flush()
    client = ApiClient(name=data.name.strip(), user_id=account.id, region_code=data.region_code,
                       agency_id=data.agency_id if agency_client else None,
                       permissions=",".join(sorted(permissions)), token_hash=token_digest(token),
                       token_hint=token[:len(TOKEN_PREFIX) + 4], rate_per_minute=data.rate_per_minute,
                       status=ApiClientStatus.ACTIVE, expires_at=data.expires_at, created_by_id=actor.id)
    db.session.add(client)
    db.session.flush()
    record("api_client.create", client, user=actor,
           note=f"{client.name}; wilayah {client.region_code}; izin {client.permissions}; "
                f"berlaku s.d. {client.expires_at:%Y-%m-%d}")
    return client, token


def revoke(client: ApiClient, actor) -> None:
    """Revoke for good, with a conditional UPDATE: of two administrators revoking at once, one does it."""
    CLIENT_TRANSITIONS.check(client.status, ApiClientStatus.REVOKED)
    now = utcnow()
    done = db.session.execute(
        update(ApiClient).where(ApiClient.id == client.id,
                                ApiClient.status.in_(sorted(CLIENT_TRANSITIONS.sources(ApiClientStatus.REVOKED))))
        .values(status=ApiClientStatus.REVOKED, revoked_at=now, revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(client)
    if done != 1:
        CLIENT_TRANSITIONS.check(client.status, ApiClientStatus.REVOKED)  # raises: someone revoked it first
    record("api_client.revoke", client, user=actor, note=client.name)


def client_for_token(token: str) -> ApiClient | None:
    """The client whose token this is, usable now (active, not expired); else None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    digest = token_digest(token)
    client = db.session.scalar(select(ApiClient).where(ApiClient.token_hash == digest))
    if client is None or not hmac.compare_digest(client.token_hash, digest):
        return None
    return client if client.usable_at(utcnow()) else None


def record_call(client: ApiClient, method: str, path: str, status: int) -> None:
    """The audit row of one API call, with the client's name (the path never holds a NIK: the API takes
    NIKs only in request bodies)."""
    record("api.call", None, user=client.user, note=f"{client.name}: {method} {path} -> {status}")
