"""Tables of casework."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.case_status import CaseStatus
from casework.db import Base
from passage.core.field_crypto import EncryptedText
from passage.core.timestamps import UTCDateTime


class Case(Base):
    __tablename__ = "case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(9), unique=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.OPEN)
    channel: Mapped[str] = mapped_column(String(32))
    # Who opened it, and the unit and region that can see it (copied from the account, so a
    # later move of the officer does not move their past cases).
    officer_account_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    unit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    region: Mapped[str | None] = mapped_column(String(64), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resume_count: Mapped[int] = mapped_column(Integer, default=0)
    # What the officer answered about the person at intake; never a name or a contact.
    # Answers are codes (casework.intake), None while not yet asked.
    urgent_medical: Mapped[str | None] = mapped_column(String(16), nullable=True)
    private_space: Mapped[str | None] = mapped_column(String(16), nullable=True)
    person_language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    interpreter_present: Mapped[str | None] = mapped_column(String(16), nullable=True)
    appears_under_18: Mapped[str | None] = mapped_column(String(16), nullable=True)
    guardian_may_be_involved: Mapped[str | None] = mapped_column(String(16), nullable=True)
    gender: Mapped[str | None] = mapped_column(String(16), nullable=True)
    has_children: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # The place as the officer typed it (a copy of the intake answer): encrypted at rest.
    area: Mapped[str | None] = mapped_column(
        EncryptedText("case.area", max_chars=64), nullable=True
    )
    exploitation_form: Mapped[str | None] = mapped_column(String(24), nullable=True)
    # When sharing with the police asked for the risk check again (casework.risk).
    risk_recheck_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Why a presumed child was not referred to child protection (casework.child_protection).
    child_protection_skip: Mapped[str | None] = mapped_column(String(24), nullable=True)
    # Retention (casework.retention): a closed case is reduced to statistics after a period,
    # unless a coordinator placed it under legal hold (casework.legal_hold; reason is a code).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    legal_hold_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    legal_hold_reason: Mapped[str | None] = mapped_column(String(24), nullable=True)
    # A reflection period (casework.reflection): until it ends nothing is shared with the
    # police; when it ends the officer is reminded once, in the chat they recorded it from.
    reflection_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reflection_conversation: Mapped[str | None] = mapped_column(String(128), nullable=True)
    reflection_reminder_queued_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )
    reflection_reminder_told_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )
    # The rescue operation this person was found in (casework.operation_cases); the case keeps
    # its own consent and its own officer: the plan only groups cases for the board.
    operation_id: Mapped[int | None] = mapped_column(
        ForeignKey("operation_plan.id"), nullable=True, index=True
    )
    # When the quick triage of a case under an operation ended (casework.operation_triage):
    # the group intake pauses there once, and the full assessment follows, maybe by another.
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    @property
    def on_legal_hold(self) -> bool:
        return self.legal_hold_at is not None

    @property
    def presumed_child(self) -> bool:
        """Under 18 or unsure, or not yet asked: treated as a child until known to be an adult."""
        return self.appears_under_18 != "no"


class WorkerHeartbeat(Base):
    """One row per worker process, so health checks can tell a stalled worker from a live one."""

    __tablename__ = "worker_heartbeat"

    worker_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ticks: Mapped[int] = mapped_column(Integer, default=0)


class ConsentReceipt(Base):
    """One decision of the person (or their representative) on one scope, as it was made.

    Receipts are never edited except to record a withdrawal: a new decision is a new receipt.
    """

    __tablename__ = "consent_receipt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    scope: Mapped[str] = mapped_column(String(24))
    granted: Mapped[bool] = mapped_column(Boolean)
    script_id: Mapped[str] = mapped_column(String(64))
    script_version: Mapped[str] = mapped_column(String(16))
    text_sha256: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))
    delivery: Mapped[str] = mapped_column(String(24))
    consenter: Mapped[str] = mapped_column(String(24))
    representative_role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    child_assent: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    comprehension_confirmed: Mapped[bool] = mapped_column(Boolean)
    # Referrals only: the kinds of service agreed to (casework.consent_categories), space
    # separated; NULL means every kind.
    categories: Mapped[str | None] = mapped_column(String(400), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AssessedNeed(Base):
    """The answer for one item of the needs catalog in one case."""

    __tablename__ = "assessed_need"
    __table_args__ = (UniqueConstraint("case_id", "need_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    need_id: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(String(16))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IntakeAnswer(Base):
    """What was answered to one intake question: option codes, or a short text for `area`.

    A multiple-choice question being toggled in the chat has a draft row (`final` false).
    """

    __tablename__ = "intake_answer"
    __table_args__ = (UniqueConstraint("case_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(32))
    # Encrypted at rest: for `area` it is whatever the officer typed.
    value: Mapped[str] = mapped_column(
        EncryptedText("intake_answer.value", max_chars=512), default=""
    )
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProviderChoice(Base):
    """The provider the officer chose for one need of a case, from the proposals shown."""

    __tablename__ = "provider_choice"
    __table_args__ = (UniqueConstraint("case_id", "need_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    need_id: Mapped[str] = mapped_column(String(64))
    service_at_location_id: Mapped[str] = mapped_column(String(64))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The officer's note for the provider (casework.referral_notes), until the referral takes it.
    note: Mapped[str | None] = mapped_column(
        EncryptedText("provider_choice.note", max_chars=200), nullable=True
    )


class CaseStatistic(Base):
    """What is left of a closed case after its retention period: no reference, no ids, no text.

    Months rather than dates, so that a row cannot be matched to a case by its timestamps.
    """

    __tablename__ = "case_statistic"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opened_month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    closed_month: Mapped[str] = mapped_column(String(7))
    exploitation_form: Mapped[str | None] = mapped_column(String(24), nullable=True)
    presumed_child: Mapped[bool] = mapped_column(Boolean)


class CaseStatisticReferral(Base):
    """How many referrals of one reduced case ended in one status, per service category."""

    __tablename__ = "case_statistic_referral"

    statistic_id: Mapped[int] = mapped_column(ForeignKey("case_statistic.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    final_status: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class RetentionRun(Base):
    """When a periodic job last started, so restarts and parallel workers run it once a period."""

    __tablename__ = "retention_run"

    job: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RiskCheck(Base):
    """One answer to the risk check (casework.risk): codes only, never what was said."""

    __tablename__ = "risk_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Space-separated casework.risk.Risk codes; empty: no risk found.
    codes: Mapped[str] = mapped_column(String(128), default="")
    occasion: Mapped[str] = mapped_column(String(16))


class BelongingsReceipt(Base):
    """Belongings the police hold for the person (casework.belongings): kinds as codes, never a
    description, which could identify the person.

    While the officer is still choosing the kinds in the chat the row is a draft: no code, not
    held yet.
    """

    __tablename__ = "belongings_receipt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    code: Mapped[str | None] = mapped_column(String(16), unique=True, index=True, nullable=True)
    # Space-separated casework.belongings.KINDS codes.
    kinds: Mapped[str] = mapped_column(String(128), default="")
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


# The case's operation_id refers to the operation plans' table: registered wherever cases are
# (the action server imports no other casework table module), or no case can be written.
import casework.operation_models  # noqa: E402, F401  (for its table)
