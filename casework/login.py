"""Web login for every role: a password, then for coordinators and admins who have set one up
a TOTP code; every attempt is audited with where it came from.

Between the two steps the browser holds a "pending" web session: a row created already expired
(expires_at == created_at), so `session_for_token` never takes it for a login. Only the code
step accepts it, for PENDING_TTL. Wrong codes count toward the same lockout as wrong passwords.
The typed username is never audited unless it names an account: people type passwords into
the username field.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.account_models import StaffAccount, WebSession, find_account
from casework.account_rules import AccountError
from casework.audit import record_audit
from casework.passwords import authenticate, needs_second_factor, record_failed_login
from casework.roles import uses_second_factor
from casework.totp import accepted_step, new_secret
from casework.web_sessions import start_session

PENDING_TTL = timedelta(minutes=5)
PURPOSE = "login"
_MAX_TOKEN_LENGTH = 128


class Outcome(StrEnum):
    SIGNED_IN = "success"
    CODE_NEEDED = "second_factor"
    REFUSED = "failure"
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    outcome: Outcome
    # The session cookie's token when signed in; the pending one when a code is needed.
    token: str | None = None
    account: StaffAccount | None = None


def _audit(
    session: Session,
    account: StaffAccount | None,
    outcome: Outcome,
    source: str,
    step: str,
    now: datetime,
) -> None:
    record_audit(
        session,
        actor=account.username if account is not None else "unknown",
        action="login",
        outcome=outcome.value,
        detail=f"step={step}",
        source=source,
        purpose=PURPOSE,
        now=now,
    )


def _refusal(account: StaffAccount | None, now: datetime) -> Outcome:
    return Outcome.LOCKED if account is not None and account.is_locked(now) else Outcome.REFUSED


def log_in(
    session: Session, username: str, password: str, *, source: str, now: datetime
) -> LoginResult:
    """The password step. The caller commits whatever the outcome: failures must count."""
    account = authenticate(session, username, password, now=now)
    if account is None:
        known = find_account(session, username)
        outcome = _refusal(known, now)
        _audit(session, known, outcome, source, "password", now)
        session.flush()
        return LoginResult(outcome)
    if needs_second_factor(account):
        token, _ = start_session(session, account, now=now, ttl=timedelta(0))
        _audit(session, account, Outcome.CODE_NEEDED, source, "password", now)
        session.flush()
        return LoginResult(Outcome.CODE_NEEDED, token, account)
    token, _ = start_session(session, account, now=now)
    _audit(session, account, Outcome.SIGNED_IN, source, "password", now)
    session.flush()
    return LoginResult(Outcome.SIGNED_IN, token, account)


def pending_login(session: Session, token: str, *, now: datetime) -> WebSession | None:
    """The pending session of the code step, while it is young and unused."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
    pending = session.scalars(
        select(WebSession).where(WebSession.token_sha256 == digest)
    ).one_or_none()
    if (
        pending is None
        or pending.ended_at is not None
        or pending.expires_at != pending.created_at
        or now >= pending.created_at + PENDING_TTL
    ):
        return None
    return pending


def finish_login(
    session: Session, pending: WebSession, code: str, *, source: str, now: datetime
) -> LoginResult:
    """The code step; a wrong code counts as a failed login. The caller commits."""
    account = session.get(StaffAccount, pending.account_id)
    if account is None or account.disabled or account.is_locked(now) or not account.totp_secret:
        pending.ended_at = now
        outcome = _refusal(account, now)
        _audit(session, account, outcome, source, "code", now)
        session.flush()
        return LoginResult(outcome)
    step = accepted_step(account.totp_secret, code, now=now, last_step=account.totp_last_step)
    if step is None:
        record_failed_login(account, now)
        outcome = _refusal(account, now)
        if outcome is Outcome.LOCKED:
            pending.ended_at = now
        _audit(session, account, outcome, source, "code", now)
        session.flush()
        return LoginResult(outcome, account=account)
    account.totp_last_step = step
    account.failed_logins = 0
    pending.ended_at = now
    token, _ = start_session(session, account, now=now)
    _audit(session, account, Outcome.SIGNED_IN, source, "code", now)
    session.flush()
    return LoginResult(Outcome.SIGNED_IN, token, account)


def set_up_totp(
    session: Session, account: StaffAccount, *, actor: str, source: str, now: datetime
) -> str:
    """A new TOTP secret for a coordinator or admin, returned this once; it replaces any
    earlier one (a lost phone), so the old app stops working."""
    if not uses_second_factor(account.role):
        raise AccountError(
            f"A {account.role} account does not use a second factor; only coordinators and "
            "admins do.",
            code="role",
        )
    if account.disabled:
        raise AccountError(f"The account {account.username!r} is disabled.", code="disabled")
    secret = new_secret()
    account.totp_secret = secret
    account.totp_last_step = None
    record_audit(
        session,
        actor=actor,
        action="totp.set_up",
        outcome="done",
        detail=f"account={account.username}",
        source=source,
        purpose="administration",
        now=now,
    )
    session.flush()
    return secret
