"""Staff sign-in: Argon2id password hashes, lock-out after failed attempts, expiring sessions.

The session lives in Flask's signed cookie and names the person, the moment
of sign-in and the last request; it ends after an idle timeout and after an
absolute one. It also carries the person's session nonce: signing out
replaces the nonce, so a copied cookie stops working too.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

import argon2
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, g, session
from sqlalchemy import func, select

from ..authorities.models import Authority
from ..extensions import db
from . import audit
from .models import ROLES, StaffUser

SESSION_KEY = "designer"
MIN_PASSWORD_LENGTH = 12
_F = TypeVar("_F", bound=Callable[..., Any])


class AccountError(ValueError):
    """An account cannot be created as asked; the message says why."""


def now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time here is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- passwords -------------------------------------------------------------------------------


def _hasher() -> argon2.PasswordHasher:
    """Argon2id with the parameters of RFC 9106 (tests may choose a cheaper profile)."""
    profile = current_app.config.get("DESIGNER_ARGON2_PROFILE", "RFC_9106_LOW_MEMORY")
    return argon2.PasswordHasher.from_parameters(getattr(argon2.profiles, profile))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


# One hash to verify against when the account does not exist, so that the answer takes
# as long as for a real account and does not tell which addresses have one.
_decoy: dict[str, str] = {}


def _spend_time(password: str) -> None:
    profile = current_app.config.get("DESIGNER_ARGON2_PROFILE", "RFC_9106_LOW_MEMORY")
    if profile not in _decoy:
        _decoy[profile] = hash_password(secrets.token_urlsafe(16))
    _verify(_decoy[profile], password)


def create_user(email: str, name: str, role: str, authority: str, password: str) -> StaffUser:
    """A new staff account; raises AccountError for anything that cannot be."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError("the e-mail address is not valid")
    if role not in ROLES:
        raise AccountError(f"the role must be one of: {', '.join(ROLES)}")
    authority = authority.strip()
    if not authority or len(authority) > 63:
        raise AccountError("the authority needs a name of 1 to 63 characters")
    if db.session.get(Authority, authority) is None:
        raise AccountError(f"there is no authority {authority!r}: write authorities/"
                           f"{authority}.json and run `amtsweg authorities load` first")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if find_user(email) is not None:
        raise AccountError(f"there is already an account for {email}")
    user = StaffUser(email=email, name=name.strip() or email, role=role, authority=authority,
                     password_hash=hash_password(password), active=True, failed_logins=0,
                     session_nonce=secrets.token_urlsafe(32))
    db.session.add(user)
    db.session.flush()
    audit.record("account_created", actor="cli", authority=authority, detail=f"{email} ({role})")
    return user


def find_user(email: str) -> StaffUser | None:
    return db.session.execute(
        select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower())
    ).scalar_one_or_none()


# -- signing in ------------------------------------------------------------------------------


def authenticate(email: str, password: str) -> StaffUser | None:
    """The account if the password is right and the account is not locked; else None.

    After DESIGNER_MAX_FAILED_LOGINS wrong passwords in a row the account is
    locked for DESIGNER_LOCKOUT_MINUTES, even for the right password.
    """
    config = current_app.config
    user = find_user(email)
    if user is None or not user.active:
        _spend_time(password)
        audit.record("login_failed", actor="-", detail="unknown or inactive account")
        db.session.commit()
        return None
    if user.locked_until is not None and aware(user.locked_until) > now():
        _spend_time(password)
        audit.record("login_refused", actor=user.email, authority=user.authority,
                     detail="account locked after failed attempts")
        db.session.commit()
        return None
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        detail = f"wrong password ({user.failed_logins} in a row)"
        if user.failed_logins >= config["DESIGNER_MAX_FAILED_LOGINS"]:
            user.locked_until = now() + timedelta(minutes=config["DESIGNER_LOCKOUT_MINUTES"])
            user.failed_logins = 0
            detail += f"; locked for {config['DESIGNER_LOCKOUT_MINUTES']} minutes"
        audit.record("login_failed", actor=user.email, authority=user.authority, detail=detail)
        db.session.commit()
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now()
    audit.record("login", actor=user.email, authority=user.authority)
    db.session.commit()
    return user


def start_session(user: StaffUser) -> None:
    moment = int(time.time())
    session[SESSION_KEY] = {"uid": user.id, "nonce": user.session_nonce, "since": moment,
                            "seen": moment}


def end_session(user: StaffUser | None) -> None:
    """Sign out here and on every other device."""
    session.pop(SESSION_KEY, None)
    if user is not None:
        user.session_nonce = secrets.token_urlsafe(32)
        audit.record("logout", actor=user.email, authority=user.authority)
        db.session.commit()


def current_staff() -> StaffUser | None:
    """The signed-in person, or None; an expired session is ended here (g.session_expired)."""
    data = session.get(SESSION_KEY)
    g.session_expired = False
    if not isinstance(data, dict):
        return None
    config, moment = current_app.config, time.time()
    idle = moment - data.get("seen", 0) > config["DESIGNER_IDLE_MINUTES"] * 60
    too_old = moment - data.get("since", 0) > config["DESIGNER_SESSION_HOURS"] * 3600
    user = db.session.get(StaffUser, data.get("uid") or 0)
    valid = user is not None and user.active and data.get("nonce") == user.session_nonce
    if idle or too_old or not valid:
        session.pop(SESSION_KEY, None)
        g.session_expired = True
        return None
    session[SESSION_KEY] = {**data, "seen": int(moment)}
    return user


def publisher_only(view: _F) -> _F:
    """Only a publisher may run `view`; anyone else gets 403, and the attempt is logged."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not g.staff.can_publish:
            audit.record("denied", detail=f"{view.__name__} needs the publisher role")
            db.session.commit()
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
