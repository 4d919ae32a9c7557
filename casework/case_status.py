"""Where a case stands, and the moves between those places that are not someone else's job
(consent withdraws, closing closes, erasure erases, retention reduces)."""

from enum import StrEnum
from typing import Protocol


class CaseStatus(StrEnum):
    OPEN = "open"  # the interview and referrals go on
    PAUSED = "paused"  # the officer stopped for now; resuming opens it again
    WITHDRAWN = "withdrawn"  # the person withdrew consent: nothing more is asked
    INFORMATION_ONLY = "information_only"  # the person wanted information, no case
    CLOSED = "closed"
    ERASED = "erased"  # identifying rows removed on request
    REDUCED = "reduced"  # past retention: anonymous statistics only


RESUMABLE = frozenset({CaseStatus.OPEN, CaseStatus.PAUSED})
CLOSABLE = frozenset({CaseStatus.OPEN, CaseStatus.PAUSED, CaseStatus.WITHDRAWN})
GONE = frozenset({CaseStatus.ERASED, CaseStatus.REDUCED})  # nothing identifying is left


class _HasStatus(Protocol):
    status: str


def pause(case: _HasStatus) -> None:
    """The officer stops for now; only an open case pauses (a withdrawn one stays withdrawn)."""
    if case.status == CaseStatus.OPEN:
        case.status = CaseStatus.PAUSED


def reopen(case: _HasStatus) -> None:
    """A resumed case goes on where it was paused."""
    if case.status == CaseStatus.PAUSED:
        case.status = CaseStatus.OPEN
