"""The reflection period: days in which the person is not pressed to cooperate with the police.

While it runs nothing of the case is shared with the police (casework.roles refuses, even if a
consent to that was given before), consent to sharing with the police cannot be recorded as
given, and the interview does not offer that choice again. When it ends, the officer is
reminded once, in the chat they recorded it from: the worker queues a notice, the chat tells it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit import record_audit
from casework.case_status import RESUMABLE, CaseStatus
from casework.models import Case
from casework.outbox import Kind, enqueue
from casework.roles import Viewer, may_see_case

MAX_DAYS = 366


class ReflectionRefused(ValueError):
    """The period cannot be recorded: the case is not open, or one is running already."""


@dataclass(frozen=True)
class ReflectionReminder:
    case_reference: str
    ended_on: date


def in_reflection_period(case: Case, *, now: datetime) -> bool:
    return case.reflection_until is not None and now < case.reflection_until


def start_reflection_period(
    session: Session, case: Case, *, days: int, conversation: str, actor: str, now: datetime
) -> datetime:
    """Record a period of `days` from now; returns when it ends. Raises ReflectionRefused."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a reflection period is 1 to {MAX_DAYS} days, not {days}")
    if case.status != CaseStatus.OPEN:
        raise ReflectionRefused("the case is not open")
    if in_reflection_period(case, now=now):
        raise ReflectionRefused("a reflection period is already running")
    case.reflection_until = now + timedelta(days=days)
    case.reflection_conversation = conversation
    case.reflection_reminder_queued_at = None
    case.reflection_reminder_told_at = None
    record_audit(
        session,
        actor=actor,
        action="case.reflection_period",
        outcome="started",
        now=now,
        case_id=case.id,
        detail=f"days={days}",
        purpose="casework",
    )
    return case.reflection_until


def queue_reflection_reminders(session: Session, *, now: datetime) -> int:
    """For every period that has ended and was not yet reminded of, wake the officer's chat once
    (the worker's periodic job). Returns how many were queued."""
    ended = session.scalars(
        select(Case).where(
            Case.reflection_until.is_not(None),
            Case.reflection_until <= now,
            Case.reflection_reminder_queued_at.is_(None),
            Case.reflection_conversation.is_not(None),
            Case.status.in_(tuple(RESUMABLE)),  # not for a case closed, erased or reduced
        )
    ).all()
    for case in ended:
        case.reflection_reminder_queued_at = now
        # The notice names nothing; the chat action reads what to tell from here.
        enqueue(session, Kind.OFFICER_NOTICE, str(case.reflection_conversation), "", now=now)
    return len(ended)


def reflection_reminders_for(
    session: Session, conversation: str, viewer: Viewer, *, now: datetime
) -> Sequence[ReflectionReminder]:
    """Ended periods this chat was not told of yet, of cases the viewer may still see; they
    count as told from now."""
    cases = session.scalars(
        select(Case)
        .where(
            Case.reflection_conversation == conversation,
            Case.reflection_reminder_queued_at.is_not(None),
            Case.reflection_reminder_told_at.is_(None),
        )
        .order_by(Case.id)
    ).all()
    reminders = []
    for case in cases:
        if case.reflection_until is None or not may_see_case(viewer, case):
            continue
        case.reflection_reminder_told_at = now
        reminders.append(ReflectionReminder(case.reference, case.reflection_until.date()))
    return reminders
