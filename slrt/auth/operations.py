"""Every change to a user account."""
from __future__ import annotations

import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from slrt.audit.operations import record
from slrt.auth import two_factor
from slrt.auth.models import RecoveryCode, Role, User
from slrt.auth.passwords import hash_password, password_problem, verify_password
from slrt.core.errors import DomainError
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.regions.models import Region

# Words a person can read off a screen and type: no 0/O, 1/l/I.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_password(length: int = 12, *, username: str = "", full_name: str = "") -> str:
    """A random one-time password that itself meets the password rules (a draw that happens to carry
    the username, or to look like a word, is drawn again)."""
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        if password_problem(password, username=username, full_name=full_name) is None:
            return password


def check_password_strength(password: str, *, username: str = "", full_name: str = "") -> None:
    """Refuse a password that is short, common or breached, repetitive, or carries the person's name."""
    problem = password_problem(password, username=username, full_name=full_name)
    if problem is not None:
        raise DomainError(problem, field="password")


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
        raise DomainError(_("Nama pengguna %(u)s sudah dipakai.", u=username), field="username")
    check_password_strength(password, username=username, full_name=full_name)
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
    password = generate_password(username=user.username, full_name=user.full_name)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.session_version += 1
    record("user.reset_password", user, user=actor)
    return password


def change_own_password(user: User, new_password: str) -> None:
    check_password_strength(new_password, username=user.username, full_name=user.full_name)
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


# --- Second factor --------------------------------------------------------------------------------------

def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = two_factor.new_recovery_codes()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=two_factor.recovery_code_hash(code)) for code in codes)
    return codes


def _claim_step(user: User, step: int) -> bool:
    """Record `step` as the last one used, unless it (or a later one) was used already: one UPDATE, so
    two requests racing with the same code cannot both pass."""
    claimed = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount == 1
    if claimed:
        user.totp_last_step = step
    return claimed


def _use_code(user: User, code: str) -> str | None:
    """Accept a current TOTP code or an unused recovery code of the user; 'totp', 'recovery' or None."""
    if two_factor.looks_like_totp(code):
        secret = two_factor.decrypt_secret(user.totp_secret)
        step = secret and two_factor.matching_step(secret, code, user.totp_last_step)
        return "totp" if step and _claim_step(user, step) else None
    if not two_factor.normalise_code(code):
        return None
    used = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_hash == two_factor.recovery_code_hash(code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount == 1
    return "recovery" if used else None


def _wrong_code() -> DomainError:
    return DomainError(_("Kode salah, sudah kedaluwarsa, atau sudah pernah dipakai."), field="code")


def enable_two_factor(user: User, secret: str, code: str) -> list[str]:
    """Turn the second factor on once the first code from the app proves the secret was copied right.
    Returns the ten recovery codes (shown once; only their hashes are kept)."""
    step = two_factor.matching_step(secret, code, None)
    if step is None:
        raise _wrong_code()
    user.totp_secret = two_factor.encrypt_secret(secret)
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _replace_recovery_codes(user)
    record("auth.2fa_enable", user, user=user)
    db.session.flush()
    return codes


def check_second_factor(user: User, code: str) -> str:
    """The login's second step: 'totp' or 'recovery' when the code is good; a wrong one is audited and
    refused with a DomainError."""
    kind = _use_code(user, code) if user.two_factor_enabled else None
    if kind is None:
        record("auth.2fa_failed", user, user=None)
        raise _wrong_code()
    if kind == "recovery":
        record("auth.recovery_code_used", user, user=user)
    return kind


def disable_two_factor(user: User, password: str, code: str) -> None:
    """Turn one's own second factor off: needs the password and a current code (or a recovery code)."""
    if two_factor.two_factor_required(user):
        raise DomainError(_("Daerah Anda mewajibkan verifikasi dua langkah untuk peran Anda; "
                            "verifikasi ini tidak dapat dimatikan."))
    if not verify_password(user.password_hash, password):
        raise DomainError(_("Kata sandi salah."), field="password")
    if _use_code(user, code) is None:
        raise _wrong_code()
    _clear_two_factor(user)
    record("auth.2fa_disable", user, user=user)


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """Ten new recovery codes for ten old ones (all old ones stop working); needs a current code."""
    if not user.two_factor_enabled or _use_code(user, code) is None:
        raise _wrong_code()
    codes = _replace_recovery_codes(user)
    record("auth.2fa_recovery_codes", user, user=user)
    db.session.flush()
    return codes


def reset_two_factor(user: User, actor) -> None:
    """The administrator's way out for a user who lost the phone and the codes: the second factor is
    off (and must be set up again where the district requires it); every session of the user ends."""
    _clear_two_factor(user)
    user.session_version += 1
    record("user.reset_2fa", user, user=actor)


def _clear_two_factor(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
