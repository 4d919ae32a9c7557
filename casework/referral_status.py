"""Referral status: the FHIR Task subset of closed-loop referrals, and who may move it where.

requested -> accepted | rejected | cancelled; accepted -> in-progress | completed | failed |
cancelled; in-progress -> completed | failed | cancelled. Rejected, cancelled and failed carry a
coded reason.
"""

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    FAILED = "failed"


class Reason(StrEnum):
    NO_CAPACITY = "no_capacity"
    NOT_ELIGIBLE = "not_eligible"
    LANGUAGE = "language"
    SAFETY = "safety"
    PERSON_DECLINED = "person_declined"
    NO_RESPONSE = "no_response"
    OTHER = "other"


class SetBy(StrEnum):
    REFERRER = "referrer"  # the referring side: the officer, or Passage for them
    PROVIDER = "provider"  # the provider's staff, by SMS, in the inbox or through the API


@dataclass(frozen=True)
class Move:
    """How a referral comes to a status: from which ones, set by whom, and with a reason or not."""

    sources: frozenset[Status]
    set_by: SetBy
    needs_reason: bool


_AFTER_ACCEPTANCE = frozenset({Status.ACCEPTED, Status.IN_PROGRESS})
# The one table of moves; everything below is read from it.
MOVES: dict[Status, Move] = {
    Status.ACCEPTED: Move(frozenset({Status.REQUESTED}), SetBy.PROVIDER, needs_reason=False),
    Status.REJECTED: Move(frozenset({Status.REQUESTED}), SetBy.PROVIDER, needs_reason=True),
    Status.CANCELLED: Move(
        frozenset({Status.REQUESTED}) | _AFTER_ACCEPTANCE, SetBy.REFERRER, needs_reason=True
    ),
    Status.IN_PROGRESS: Move(frozenset({Status.ACCEPTED}), SetBy.PROVIDER, needs_reason=False),
    Status.COMPLETED: Move(_AFTER_ACCEPTANCE, SetBy.PROVIDER, needs_reason=False),
    Status.FAILED: Move(_AFTER_ACCEPTANCE, SetBy.PROVIDER, needs_reason=True),
}

OPEN = frozenset(source for move in MOVES.values() for source in move.sources)
NEEDS_REASON = frozenset(status for status, move in MOVES.items() if move.needs_reason)
# What a provider may set, in the order of Status; the referring side sets requested and
# cancelled only.
PROVIDER_STATUSES = tuple(
    status for status in Status if status in MOVES and MOVES[status].set_by is SetBy.PROVIDER
)
PROVIDER_MAY_SET = frozenset(PROVIDER_STATUSES)


class IllegalTransition(ValueError):
    """The referral cannot move to that status from where it is, or a reason is missing."""


def check_transition(current: Status, target: Status, reason: Reason | None) -> None:
    move = MOVES.get(target)
    if move is None or current not in move.sources:
        raise IllegalTransition(f"a {current.value} referral cannot become {target.value}")
    if move.needs_reason and reason is None:
        raise IllegalTransition(f"{target.value} needs a reason")
