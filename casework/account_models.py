"""Tables of accounts: staff accounts, their web sessions and the API keys of partner systems,
with the lookups by username.

Every account and key belongs to one organization of the directory (its HSDS `organization.id`).
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.account_rules import normalise_username
from casework.db import Base
from casework.roles import INTAKE
from passage.core.field_crypto import EncryptedText
from passage.core.timestamps import UTCDateTime

MAX_LABEL_LENGTH = 100


class StaffAccount(Base):
    """A person who logs in, of any role (casework.roles): intake staff of a provider, an
    officer, caseworker, coordinator or admin."""

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


def find_account(session: Session, username: str) -> StaffAccount | None:
    return session.scalars(
        select(StaffAccount).where(StaffAccount.username == normalise_username(username))
    ).one_or_none()


def staff_accounts(session: Session, organization_id: str | None = None) -> Sequence[StaffAccount]:
    query = select(StaffAccount).order_by(StaffAccount.organization_id, StaffAccount.username)
    if organization_id is not None:
        query = query.where(StaffAccount.organization_id == organization_id)
    return session.scalars(query).all()
