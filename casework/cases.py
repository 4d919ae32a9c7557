"""Opening and resuming cases."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.models import Case
from casework.references import new_reference, normalize_reference

_MAX_REFERENCE_ATTEMPTS = 5


class ReferenceSpaceExhausted(RuntimeError):
    """Several random references in a row were taken: something is wrong, not unlucky."""


def open_case(
    session: Session,
    *,
    channel: str,
    now: datetime,
    make_reference: Callable[[], str] = new_reference,
) -> Case:
    """Create a case with a fresh unique reference; the caller commits."""
    for _ in range(_MAX_REFERENCE_ATTEMPTS):
        case = Case(
            reference=make_reference(),
            status="open",
            channel=channel,
            opened_at=now,
            resume_count=0,
        )
        try:
            with session.begin_nested():
                session.add(case)
        except IntegrityError:
            continue
        return case
    raise ReferenceSpaceExhausted(f"{_MAX_REFERENCE_ATTEMPTS} reference collisions in a row")


RESUMABLE_STATUSES = ("open", "paused")


def find_case(session: Session, reference: str) -> Case | None:
    """The case with exactly this canonical reference, whatever its status."""
    return session.scalars(select(Case).where(Case.reference == reference)).one_or_none()


def find_resumable_case(session: Session, reference_text: str) -> Case | None:
    """The open or paused case with the reference the officer typed.

    Raises InvalidReference when the text cannot be a reference at all.
    """
    reference = normalize_reference(reference_text)
    return session.scalars(
        select(Case).where(Case.reference == reference, Case.status.in_(RESUMABLE_STATUSES))
    ).one_or_none()


def resume_case(case: Case, *, now: datetime) -> None:
    case.last_resumed_at = now
    case.resume_count += 1
    if case.status == "paused":
        case.status = "open"
