"""Tables of referrals: the referral itself, its history, the outbox, and the audit trail."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

# For their tables, which referrals point to: staff_account, and capacity_request (held places).
import casework.account_models
import casework.operation_models  # noqa: F401
from casework.db import Base
from passage.core.field_crypto import EncryptedText
from passage.core.timestamps import UTCDateTime


class Referral(Base):
    """One attempt to refer a case to one service_at_location (a FHIR Task).

    After a rejection or a timeout the next provider gets a new referral, linked by
    `previous_id`, as FHIR asks: one Task per attempt.
    """

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    # The code providers quote in replies; it names no case and no person.
    code: Mapped[str] = mapped_column(String(8), unique=True)
    service_at_location_id: Mapped[str] = mapped_column(String(64))
    organization_id: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    recipient: Mapped[str] = mapped_column(Text)
    provider_language: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), index=True)
    status_reason: Mapped[str | None] = mapped_column(String(24), nullable=True)
    # The provider's free-text note: encrypted at rest.
    status_text: Mapped[str | None] = mapped_column(
        EncryptedText("referral.status_text", max_chars=500), nullable=True
    )
    # The officer's note for the provider (casework.referral_notes): encrypted at rest, never
    # in an SMS; shown in the inbox and pushed in the FHIR Task, as the officer wrote it.
    officer_note: Mapped[str | None] = mapped_column(
        EncryptedText("referral.officer_note", max_chars=200), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Who is told of every change: the officer who sent it, on any of their chats, and the
    # conversation it was sent from, where news is pushed.
    officer_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_account.id"), nullable=True
    )
    officer_conversation: Mapped[str] = mapped_column(String(128))
    officer_language: Mapped[str] = mapped_column(String(16))
    cascade: Mapped[bool] = mapped_column(Boolean, default=False)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), nullable=True)
    # The place held for a rescue operation that this referral takes (casework.held_places).
    capacity_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("capacity_request.id"), nullable=True, index=True
    )
    # The SMS link's token is stored only as a hash, like a password.
    link_token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    link_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    link_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ReferralNeed(Base):
    __tablename__ = "referral_need"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), primary_key=True)
    need_id: Mapped[str] = mapped_column(String(64), primary_key=True)


def need_ids_of(session: Session, referral: Referral) -> list[str]:
    return list(
        session.scalars(select(ReferralNeed.need_id).where(ReferralNeed.referral_id == referral.id))
    )


class ReferralEvent(Base):
    """One status change, as it happened; the officer's notices are rendered from these."""

    __tablename__ = "referral_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(24), nullable=True)
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # What happened next for this need: the next referral sent or offered, or none left.
    follow_up: Mapped[str | None] = mapped_column(String(16), nullable=True)
    follow_up_referral_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    follow_up_service_at_location_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # When the referring officer was told in the chat; None: not yet.
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # When it was pushed to the officer's chat unasked: it is not pushed again (a page that was
    # closed shows it from the conversation's history; any turn of the officer shows it too).
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class OutboxMessage(Base):
    """A message to send, written in the transaction that made it necessary; the worker sends.

    `state` is ours (pending, sending, sent, ambiguous, dead); `delivery_status` is what the
    carrier reported afterwards and never moves backwards.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), nullable=True)
    referral_event_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recipient: Mapped[str] = mapped_column(Text)
    # Encrypted at rest: a partner push carries the officer's note and its translation.
    body: Mapped[str] = mapped_column(EncryptedText("outbox_message.body"))
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    carrier_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # An error code or class name only: carrier error texts quote phone numbers.
    last_error: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InboundMessage(Base):
    """Carrier message ids already handled, so a replayed webhook changes nothing."""

    __tablename__ = "inbound_message"

    carrier_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CaseFlag(Base):
    """Something a coordinator must look at, e.g. no provider left for a need."""

    __tablename__ = "case_flag"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    need_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AuditEntry(Base):
    """Append-only record of sensitive decisions: who, what, on which case, with what outcome.

    `detail` holds codes and ids only, never a person's data.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(48))
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    referral_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outcome: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(String(256), default="")
    # From where (a channel, "web", "cli", "api:<key prefix>") and why (a purpose code).
    source: Mapped[str] = mapped_column(String(64), default="")
    purpose: Mapped[str] = mapped_column(String(64), default="")
    # Set once by the worker (casework.audit_chain.seal): SHA-256 of the previous sealed row's
    # hash and this row's fields, so an edited, removed or inserted row breaks the chain.
    entry_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class PartnerPushSecret(Base):
    """The key an organization's API pushes are signed with (HMAC needs the key itself)."""

    __tablename__ = "partner_push_secret"

    organization_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Encrypted at rest: a copy of the database alone must not let anyone sign pushes.
    secret: Mapped[str] = mapped_column(EncryptedText("partner_push_secret.secret", max_chars=128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
