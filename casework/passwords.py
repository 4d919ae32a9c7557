"""Checking a password: argon2 hashes, and the lockout after repeated failures.

Functions here never commit: `authenticate` records failed attempts, and a caller that rolls
back after a refused login undoes the count and with it the lockout.
"""

import secrets
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from casework.account_models import StaffAccount, find_account
from casework.account_rules import MAX_PASSWORD_LENGTH, USERNAME, normalise_username
from casework.roles import uses_second_factor

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)

# Default argon2id parameters (RFC 9106, low-memory profile). One instance for the module so
# hashing and the dummy hash of unknown users always use the same cost.
_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


@cache
def _dummy_hash() -> str:
    # Made on first use rather than at import: hashing takes a noticeable fraction of a second.
    return _HASHER.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_second_factor(account: StaffAccount) -> bool:
    return uses_second_factor(account.role) and bool(account.totp_secret)


def record_failed_login(account: StaffAccount, now: datetime) -> None:
    """One more wrong password or code; enough of them lock the account for a while."""
    account.failed_logins += 1
    if account.failed_logins >= MAX_FAILED_LOGINS:
        account.locked_until = now + LOCKOUT


def authenticate(
    session: Session, username: str, password: str, *, now: datetime
) -> StaffAccount | None:
    """The account if the password is right and the account may log in now, else None.

    Every path verifies one hash, so the time taken does not tell whether a username exists.
    """
    name = normalise_username(username)
    account = find_account(session, name) if USERNAME.fullmatch(name) else None
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
