"""Accounts of provider intake staff, their web sessions, and the API keys of partner systems.

Every account and key belongs to one organization of the directory (its HSDS `organization.id`).
Functions here never commit: the caller owns the unit of work. That matters for `authenticate`,
which records failed attempts; a caller that rolls back after a refused login undoes the count
and with it the lockout.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.db import Base
from casework.roles import (
    CASEWORKER,
    COORDINATOR,
    INTAKE,
    OFFICER,
    ROLES,
    SECOND_FACTOR_ROLES,
)
from passage.core.field_crypto import EncryptedText
from passage.core.timestamps import UTCDateTime
from referral_directory.models import Organization

MIN_PASSWORD_LENGTH = 12
# argon2 pre-hashes any length, but hashing megabytes per login attempt is a cheap way to
# make the server busy.
MAX_PASSWORD_LENGTH = 1024
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=8)
MAX_LABEL_LENGTH = 100

API_KEY_START = "psg_"
_USERNAME = re.compile(r"[a-z0-9._-]{3,64}")
_PREFIX = re.compile(r"[0-9a-f]{12}")
# An agency, unit or region name of a non-intake account: printable, no markup characters.
_LABEL = re.compile(r"[\w][\w .:/()-]{0,63}")
# Which roles need a unit or a region, and which may have one (see casework.roles).
UNIT_ROLES = frozenset({OFFICER, CASEWORKER})
REGION_ROLES = frozenset({OFFICER, CASEWORKER, COORDINATOR})
# Longer than anything we issue; anything longer is refused before it is hashed.
_MAX_PRESENTED_LENGTH = 128

# Default argon2id parameters (RFC 9106, low-memory profile). One instance for the module so
# hashing and the dummy hash of unknown users always use the same cost.
_HASHER = PasswordHasher()


class AccountError(ValueError):
    """A value an operator gave cannot make an account or key; the message says why.

    `code` names the rule that was broken, so pages can show the reason in their language.
    """

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


class StaffAccount(Base):
    """A person at a provider who reads referrals sent to their organization."""

    __tablename__ = "staff_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No foreign key: the directory tables live on their own metadata (referral_directory.db),
    # so the link is checked when the account is created instead.
    organization_id: Mapped[str] = mapped_column(String(64), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default=INTAKE)
    # Officers and caseworkers share cases within a unit; coordinators oversee a region.
    unit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    region: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # A TOTP second factor (RFC 6238) when set; the last accepted time step stops replays.
    totp_secret: Mapped[str | None] = mapped_column(
        EncryptedText("staff_account.totp_secret"), nullable=True
    )  # encrypted at rest, like every secret the server must be able to read back
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


class WebSession(Base):
    """One login in a browser. The cookie holds a random token; only its SHA-256 is kept here,
    so a copy of the database does not let anyone take over open sessions."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_account.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ApiKey(Base):
    """A key a partner system sends to act for one organization."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[str] = mapped_column(String(64), index=True)
    # Shown in listings and logs so people can tell keys apart without seeing one.
    prefix: Mapped[str] = mapped_column(String(12), unique=True, index=True)
    # A plain SHA-256 is enough: the key carries 256 random bits, so it cannot be guessed from
    # its hash the way a password can. argon2's deliberate slowness protects low-entropy
    # secrets and would only slow down every API request here.
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    label: Mapped[str] = mapped_column(String(MAX_LABEL_LENGTH), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


def normalise_username(username: str) -> str:
    return username.strip().lower()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def _dummy_hash() -> str:
    # Made on first use rather than at import: hashing takes a noticeable fraction of a second.
    return _HASHER.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _require_organization(session: Session, organization_id: str) -> None:
    if session.get(Organization, organization_id) is None:
        raise AccountError(
            f"No organization with id {organization_id!r} in the directory.", code="organization"
        )


def _find_account(session: Session, username: str) -> StaffAccount | None:
    return session.scalars(
        select(StaffAccount).where(StaffAccount.username == normalise_username(username))
    ).one_or_none()


def _label(value: str | None, what: str) -> str | None:
    text = value.strip() if value is not None else ""
    if not text:
        return None
    if not _LABEL.fullmatch(text):
        raise AccountError(
            f"The {what} is 1 to 64 letters, digits, spaces or . : / ( ) -", code=what
        )
    return text


def _check_placement(role: str, unit: str | None, region: str | None) -> None:
    """Officers and caseworkers need a unit, coordinators a region; nobody else has either."""
    if role in UNIT_ROLES and unit is None:
        raise AccountError(f"A {role} account needs a unit.", code="unit")
    if role not in UNIT_ROLES and unit is not None:
        raise AccountError(f"A {role} account has no unit.", code="unit")
    if role == COORDINATOR and region is None:
        raise AccountError("A coordinator account needs a region.", code="region")
    if role not in REGION_ROLES and region is not None:
        raise AccountError(f"A {role} account has no region.", code="region")


def create_account(
    session: Session,
    *,
    role: str,
    organization_id: str,
    username: str,
    password: str,
    unit: str | None = None,
    region: str | None = None,
    now: datetime,
) -> StaffAccount:
    """An account of any role. Intake accounts belong to an organization of the directory;
    for the other roles `organization_id` names the agency the person works for."""
    if role not in ROLES:
        raise AccountError(f"The role is one of {', '.join(ROLES)}.", code="role")
    name = normalise_username(username)
    if not _USERNAME.fullmatch(name):
        raise AccountError(
            "A username is 3 to 64 characters: letters a-z, digits, '.', '_' or '-'.",
            code="username",
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters.", code="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            f"The password must be at most {MAX_PASSWORD_LENGTH} characters.", code="password"
        )
    unit, region = _label(unit, "unit"), _label(region, "region")
    _check_placement(role, unit, region)
    if role == INTAKE:
        _require_organization(session, organization_id)
    elif _label(organization_id, "organization") != organization_id:
        raise AccountError("The organization is 1 to 64 characters.", code="organization")
    if _find_account(session, name) is not None:
        raise AccountError(f"There is already an account named {name!r}.", code="duplicate")
    account = StaffAccount(
        organization_id=organization_id,
        username=name,
        password_hash=_HASHER.hash(password),
        role=role,
        unit=unit,
        region=region,
        totp_secret=None,
        totp_last_step=None,
        disabled=False,
        failed_logins=0,
        locked_until=None,
        created_at=now,
    )
    session.add(account)
    session.flush()
    return account


def create_staff_account(
    session: Session, organization_id: str, username: str, password: str, *, now: datetime
) -> StaffAccount:
    """An intake account (the form `passage accounts add-staff` and older callers use)."""
    return create_account(
        session,
        role=INTAKE,
        organization_id=organization_id,
        username=username,
        password=password,
        now=now,
    )


def needs_second_factor(account: StaffAccount) -> bool:
    return account.role in SECOND_FACTOR_ROLES and bool(account.totp_secret)


def record_failed_login(account: StaffAccount, now: datetime) -> None:
    """One more wrong password or code; enough of them lock the account for a while."""
    account.failed_logins += 1
    if account.failed_logins >= MAX_FAILED_LOGINS:
        account.locked_until = now + LOCKOUT


def find_account(session: Session, username: str) -> StaffAccount | None:
    return _find_account(session, username)


def authenticate(
    session: Session, username: str, password: str, *, now: datetime
) -> StaffAccount | None:
    """The account if the password is right and the account may log in now, else None.

    Every path verifies one hash, so the time taken does not tell whether a username exists.
    """
    name = normalise_username(username)
    account = _find_account(session, name) if _USERNAME.fullmatch(name) else None
    if (
        account is None
        or account.disabled
        or account.is_locked(now)
        or len(password) > MAX_PASSWORD_LENGTH
    ):
        _verify(_dummy_hash(), password[:MAX_PASSWORD_LENGTH])
        return None
    if account.locked_until is not None:
        # The lock has run out: a fresh set of attempts, not one more before the next lock.
        account.locked_until = None
        account.failed_logins = 0
    if not _verify(account.password_hash, password):
        record_failed_login(account, now)
        session.flush()
        return None
    if not needs_second_factor(account):
        # With a second factor the count is cleared once the code is right too: otherwise a
        # known password would buy a fresh set of code guesses after every lock.
        account.failed_logins = 0
    if _HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = _HASHER.hash(password)
    session.flush()
    return account


def disable_account(session: Session, username: str) -> bool:
    """Disable the account (its sessions stop working at once); False if there is none."""
    account = _find_account(session, username)
    if account is None:
        return False
    account.disabled = True
    session.flush()
    return True


def staff_accounts(session: Session, organization_id: str | None = None) -> Sequence[StaffAccount]:
    query = select(StaffAccount).order_by(StaffAccount.organization_id, StaffAccount.username)
    if organization_id is not None:
        query = query.where(StaffAccount.organization_id == organization_id)
    return session.scalars(query).all()


def start_session(
    session: Session, account: StaffAccount, *, now: datetime, ttl: timedelta = SESSION_TTL
) -> tuple[str, WebSession]:
    """A new session; the returned token goes into the cookie and is not kept anywhere else."""
    token = secrets.token_urlsafe(32)
    web_session = WebSession(
        account_id=account.id,
        token_sha256=_sha256(token),
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + ttl,
        ended_at=None,
    )
    session.add(web_session)
    session.flush()
    return token, web_session


def _find_session(session: Session, token: str) -> WebSession | None:
    if not token or len(token) > _MAX_PRESENTED_LENGTH:
        return None
    return session.scalars(
        select(WebSession).where(WebSession.token_sha256 == _sha256(token))
    ).one_or_none()


def session_for_token(session: Session, token: str, *, now: datetime) -> WebSession | None:
    """The open session of a cookie token; None once it expired, ended or its account was
    disabled."""
    web_session = _find_session(session, token)
    if web_session is None or web_session.ended_at is not None or now >= web_session.expires_at:
        return None
    account = session.get(StaffAccount, web_session.account_id)
    if account is None or account.disabled:
        return None
    return web_session


def end_session(session: Session, token: str, *, now: datetime) -> bool:
    """Log out: True if an open session was ended."""
    web_session = _find_session(session, token)
    if web_session is None or web_session.ended_at is not None:
        return False
    web_session.ended_at = now
    session.flush()
    return True


def csrf_ok(web_session: WebSession, submitted: str | None) -> bool:
    if not submitted:
        return False
    # Bytes, because compare_digest refuses non-ASCII str and a form can send anything.
    return hmac.compare_digest(web_session.csrf_token.encode(), submitted.encode("utf-8"))


def create_api_key(
    session: Session, organization_id: str, label: str = "", *, now: datetime
) -> tuple[str, ApiKey]:
    """A new key; the raw key is returned this once and only its SHA-256 is stored."""
    label = label.strip()
    if len(label) > MAX_LABEL_LENGTH:
        raise AccountError(f"A label is at most {MAX_LABEL_LENGTH} characters.")
    _require_organization(session, organization_id)
    prefix = secrets.token_hex(6)
    while session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is not None:
        prefix = secrets.token_hex(6)
    raw_key = f"{API_KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        organization_id=organization_id,
        prefix=prefix,
        key_sha256=_sha256(raw_key),
        label=label,
        created_at=now,
        revoked_at=None,
        last_used_at=None,
    )
    session.add(api_key)
    session.flush()
    return raw_key, api_key


def organization_for_api_key(session: Session, raw_key: str, *, now: datetime) -> str | None:
    """The organization a key acts for, noting its use; None for unknown or revoked keys."""
    if not raw_key.startswith(API_KEY_START) or len(raw_key) > _MAX_PRESENTED_LENGTH:
        return None
    api_key = session.scalars(
        select(ApiKey).where(ApiKey.key_sha256 == _sha256(raw_key))
    ).one_or_none()
    if api_key is None or api_key.revoked_at is not None:
        return None
    api_key.last_used_at = now
    session.flush()
    return api_key.organization_id


def api_key_prefix(text: str) -> str | None:
    """The prefix in what an operator pasted: the prefix, `psg_<prefix>`, or the whole key."""
    candidate = text.strip().removeprefix(API_KEY_START).split("_", 1)[0]
    return candidate if _PREFIX.fullmatch(candidate) else None


def revoke_api_key(session: Session, prefix: str, *, now: datetime) -> bool:
    """True if a key in use was revoked; False if there is no such key or it was revoked before."""
    found = api_key_prefix(prefix)
    if found is None:
        return False
    api_key = session.scalars(select(ApiKey).where(ApiKey.prefix == found)).one_or_none()
    if api_key is None or api_key.revoked_at is not None:
        return False
    api_key.revoked_at = now
    session.flush()
    return True
