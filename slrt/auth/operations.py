"""Every change to a user account."""
from __future__ import annotations

import secrets

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from slrt.audit.operations import record
from slrt.auth.models import Role, User
from slrt.auth.passwords import MIN_LENGTH, hash_password
from slrt.core.errors import DomainError
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.regions.models import Region

# Words a person can read off a screen and type: no 0/O, 1/l/I.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_password(length: int = 12) -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))


def check_password_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise DomainError(gettext("Kata sandi minimal %(n)d karakter.", n=MIN_LENGTH), field="password")


def _check_binding(role: str, region_code: str, agency_id: int | None) -> None:
    region = db.session.get(Region, region_code)
    if region is None:
        raise DomainError(gettext("Kode wilayah %(code)s tidak dikenal.", code=region_code), field="region_code")
    if role == Role.AGENCY_LIAISON and not agency_id:
        raise DomainError(_l("Petugas penghubung harus terikat pada satu instansi."), field="agency_id")
    if role == Role.PUSKESOS_OPERATOR and region.level != 4:
        raise DomainError(_l("Operator Puskesos harus terikat pada satu desa/kelurahan."), field="region_code")
    if role == Role.PROVINCIAL_OFFICER and region.level != 1:
        raise DomainError(_l("Petugas provinsi harus terikat pada kode provinsi."), field="region_code")


def create_user(*, username: str, full_name: str, role: str, region_code: str, password: str,
                agency_id: int | None = None, nip: str = "", actor=None, must_change_password: bool = False) -> User:
    username = username.strip().lower()
    if db.session.scalar(select(func.count()).select_from(User).where(User.username == username)):
        raise DomainError(gettext("Nama pengguna %(u)s sudah dipakai.", u=username), field="username")
    check_password_strength(password)
    _check_binding(role, region_code, agency_id)
    user = User(username=username, full_name=full_name.strip(), role=str(role), region_code=region_code,
                agency_id=agency_id if role == Role.AGENCY_LIAISON else None, nip=nip.strip(),
                password_hash=hash_password(password), must_change_password=must_change_password)
    db.session.add(user)
    db.session.flush()
    record("user.create", user, note=f"role={role} region={region_code}", user=actor)
    return user


def update_user(user: User, *, full_name: str, role: str, region_code: str, agency_id: int | None,
                nip: str, actor) -> None:
    _check_binding(role, region_code, agency_id)
    changed_scope = user.role != role or user.region_code != region_code or user.agency_id != agency_id
    user.full_name, user.role, user.region_code, user.nip = full_name.strip(), str(role), region_code, nip.strip()
    user.agency_id = agency_id if role == Role.AGENCY_LIAISON else None
    if changed_scope:
        user.session_version += 1  # new rights take effect at the next login
    record("user.update", user, note=f"role={role} region={region_code}", user=actor)


def set_active(user: User, active: bool, actor) -> None:
    if actor is not None and user.id == actor.id and not active:
        raise DomainError(_l("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    user.active = active
    user.session_version += 1
    record("user.enable" if active else "user.disable", user, user=actor)


def reset_password(user: User, actor) -> str:
    """Give the user a new one-time password; every open session of theirs ends."""
    password = generate_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.session_version += 1
    record("user.reset_password", user, user=actor)
    return password


def change_own_password(user: User, new_password: str) -> None:
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.session_version += 1
    record("user.change_password", user, user=user)


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    record("auth.login", user, user=user)


def record_failed_login(username: str, user: User | None) -> None:
    record("auth.login_failed", user, note=f"username={username[:60]}", user=None)


def end_sessions(user: User) -> None:
    """Logout: bump the session version so no copy of the cookie works any more."""
    user.session_version += 1
    record("auth.logout", user, user=user)
