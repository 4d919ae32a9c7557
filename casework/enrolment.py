"""Binding a chat identity (a channel and a sender id) to an account with a one-time code.

Only an enrolled identity may open or see cases; everyone else gets public information. The
code is the only secret an officer types into a chat, so it is single-use, short-lived and
stored as a SHA-256 hash. Guessing is capped per identity; when many identities guess at once,
every attempt is slowed down, but a right code is never refused because strangers guessed (with
2^60 codes a search is hopeless anyway, and a lock-out for everyone would be the attack). Sender
ids are stored hashed too: a Telegram chat id or a phone number is personal data of the
officer.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.account_models import StaffAccount
from casework.audit import record_audit
from casework.db import Base
from casework.roles import may_use_chat
from passage.core.timestamps import UTCDateTime

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: read aloud over a radio
CODE_GROUPS = 3
CODE_TTL = timedelta(hours=24)
# Guessing: a 12-character code has 32**12 = 2**60 values.
MAX_FAILURES_PER_IDENTITY = 5
FAILURE_WINDOW = timedelta(hours=1)
# Past this many wrong codes in the window, from all identities together, every attempt waits a
# little longer before it is answered: one more second per 50 failures, at most 5 seconds.
SLOW_DOWN_AFTER = 200
_FAILURES_PER_SECOND_OF_WAIT = 50
MAX_SLOW_DOWN = timedelta(seconds=5)

CODE_PATTERN = re.compile(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}")


class ChatIdentity(Base):
    __tablename__ = "chat_identity"
    __table_args__ = (UniqueConstraint("channel", "sender_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_account.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    sender_sha256: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class EnrolmentCode(Base):
    __tablename__ = "enrolment_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_account.id"))
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class EnrolmentFailure(Base):
    __tablename__ = "enrolment_failure"
    __table_args__ = (Index("ix_enrolment_failure_sender", "channel", "sender_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    sender_sha256: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class EnrolmentError(ValueError):
    """An enrolment code cannot be issued; the message says why."""


class Outcome(StrEnum):
    ENROLLED = "enrolled"
    WRONG_CODE = "wrong_code"  # unknown, used or expired: the sender is not told which
    TOO_MANY_TRIES = "too_many_tries"


@dataclass(frozen=True)
class Redemption:
    outcome: Outcome
    account: StaffAccount | None = None
    # TOO_MANY_TRIES: when this identity may try again.
    retry_at: datetime | None = None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sender_digest(channel: str, sender_id: str) -> str:
    return _sha256(f"{channel}\n{sender_id}")


def normalise_code(text: str) -> str | None:
    """The code in what was typed (any case, spaces or dashes between groups), or None."""
    letters = re.sub(r"[\s-]", "", text).upper()
    if len(letters) != 4 * CODE_GROUPS:
        return None
    code = "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))
    return code if CODE_PATTERN.fullmatch(code) else None


def issue_code(
    session: Session,
    account: StaffAccount,
    *,
    issued_by: str,
    now: datetime,
    ttl: timedelta = CODE_TTL,
    source: str = "",
) -> str:
    """A new code for the account, returned this once; earlier unused codes stop working."""
    if account.disabled:
        raise EnrolmentError(f"The account {account.username!r} is disabled.")
    if not may_use_chat(account.role):
        raise EnrolmentError(
            f"A {account.role} account does not use the chat; only officers, caseworkers and "
            "coordinators are enrolled."
        )
    for earlier in session.scalars(
        select(EnrolmentCode).where(
            EnrolmentCode.account_id == account.id, EnrolmentCode.used_at.is_(None)
        )
    ):
        earlier.expires_at = min(earlier.expires_at, now)
    code = "-".join(
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(CODE_GROUPS)
    )
    session.add(
        EnrolmentCode(
            account_id=account.id,
            code_sha256=_sha256(code),
            issued_by=issued_by[:80],
            created_at=now,
            expires_at=now + ttl,
            used_at=None,
        )
    )
    record_audit(
        session,
        actor=issued_by,
        action="enrolment.issue_code",
        outcome="issued",
        now=now,
        detail=f"account={account.username}",
        source=source,
        purpose="enrolment",
    )
    session.flush()
    return code


def _recent_failures(session: Session, now: datetime, digest: str | None = None) -> int:
    query = select(func.count(EnrolmentFailure.id)).where(
        EnrolmentFailure.at > now - FAILURE_WINDOW
    )
    if digest is not None:
        query = query.where(EnrolmentFailure.sender_sha256 == digest)
    return session.scalar(query) or 0


def slow_down(session: Session, *, now: datetime) -> timedelta:
    """How long to wait before answering any enrolment attempt now (zero unless many guess)."""
    beyond = _recent_failures(session, now) - SLOW_DOWN_AFTER
    if beyond <= 0:
        return timedelta(0)
    return min(MAX_SLOW_DOWN, timedelta(seconds=beyond / _FAILURES_PER_SECOND_OF_WAIT))


def _identity_blocked_until(session: Session, digest: str, now: datetime) -> datetime | None:
    recent = session.scalars(
        select(EnrolmentFailure.at)
        .where(EnrolmentFailure.sender_sha256 == digest, EnrolmentFailure.at > now - FAILURE_WINDOW)
        .order_by(EnrolmentFailure.at.desc())
        .limit(MAX_FAILURES_PER_IDENTITY)
    ).all()
    if len(recent) < MAX_FAILURES_PER_IDENTITY:
        return None
    # Free again once the oldest of the last few failures has left the window.
    return recent[-1] + FAILURE_WINDOW


def redeem_code(
    session: Session, channel: str, sender_id: str, typed: str, *, now: datetime
) -> Redemption:
    """Bind the sender to the code's account if the code is good; the caller commits, also
    when the code was wrong (the failure must count)."""
    digest = sender_digest(channel, sender_id)
    blocked_until = _identity_blocked_until(session, digest, now)
    if blocked_until is not None:
        # This identity guessed too often: even a right code waits, so guessing cannot go on.
        record_audit(
            session,
            actor="chat",
            action="enrolment.redeem",
            outcome="rate_limited",
            now=now,
            source=channel,
        )
        return Redemption(Outcome.TOO_MANY_TRIES, retry_at=blocked_until)
    code = normalise_code(typed)
    found = (
        session.scalars(
            select(EnrolmentCode).where(EnrolmentCode.code_sha256 == _sha256(code))
        ).one_or_none()
        if code is not None
        else None
    )
    account = session.get(StaffAccount, found.account_id) if found is not None else None
    if (
        found is None
        or account is None
        or found.used_at is not None
        or now >= found.expires_at
        or account.disabled
    ):
        session.add(EnrolmentFailure(channel=channel, sender_sha256=digest, at=now))
        record_audit(
            session,
            actor="chat",
            action="enrolment.redeem",
            outcome="refused",
            now=now,
            source=channel,
        )
        session.flush()
        return Redemption(Outcome.WRONG_CODE)
    # One conditional update, so two chats racing with the same code cannot both win (on
    # databases that, unlike SQLite, let both read the code as unused).
    claimed = session.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.id == found.id, EnrolmentCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return Redemption(Outcome.WRONG_CODE)
    identity = session.scalars(
        select(ChatIdentity).where(
            ChatIdentity.channel == channel, ChatIdentity.sender_sha256 == digest
        )
    ).one_or_none()
    if identity is None:
        identity = ChatIdentity(channel=channel, sender_sha256=digest)
        session.add(identity)
    identity.account_id = account.id
    identity.enrolled_at = now
    identity.revoked_at = None
    record_audit(
        session,
        actor=account.username,
        action="enrolment.redeem",
        outcome="enrolled",
        now=now,
        source=channel,
    )
    session.flush()
    return Redemption(Outcome.ENROLLED, account)


def account_for_sender(session: Session, channel: str, sender_id: str) -> StaffAccount | None:
    """The enabled account this chat identity is enrolled to, or None."""
    identity = session.scalars(
        select(ChatIdentity).where(
            ChatIdentity.channel == channel,
            ChatIdentity.sender_sha256 == sender_digest(channel, sender_id),
            ChatIdentity.revoked_at.is_(None),
        )
    ).one_or_none()
    if identity is None:
        return None
    account = session.get(StaffAccount, identity.account_id)
    if account is None or account.disabled or not may_use_chat(account.role):
        return None
    return account


def forget_sender(session: Session, channel: str, sender_id: str, *, now: datetime) -> bool:
    """Unbind this chat identity (quick exit, /forget, a lost phone); True if it was bound."""
    identity = session.scalars(
        select(ChatIdentity).where(
            ChatIdentity.channel == channel,
            ChatIdentity.sender_sha256 == sender_digest(channel, sender_id),
            ChatIdentity.revoked_at.is_(None),
        )
    ).one_or_none()
    if identity is None:
        return False
    identity.revoked_at = now
    session.flush()
    return True
