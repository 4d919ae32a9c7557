"""Web sessions of staff: the cookie token of a login, its end, and its CSRF token."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.account_models import StaffAccount, WebSession

SESSION_TTL = timedelta(hours=8)
# Longer than anything we issue; anything longer is refused before it is hashed.
_MAX_PRESENTED_LENGTH = 128


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
