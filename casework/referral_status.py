"""Referral status: the FHIR Task subset of closed-loop referrals, and who may move it where.

requested -> accepted | rejected | cancelled; accepted -> in-progress | completed | failed |
cancelled; in-progress -> completed | failed | cancelled. Rejected, cancelled and failed carry a
coded reason.
"""

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


_NEXT: dict[Status, frozenset[Status]] = {
    Status.REQUESTED: frozenset({Status.ACCEPTED, Status.REJECTED, Status.CANCELLED}),
    Status.ACCEPTED: frozenset(
        {Status.IN_PROGRESS, Status.COMPLETED, Status.FAILED, Status.CANCELLED}
    ),
    Status.IN_PROGRESS: frozenset({Status.COMPLETED, Status.FAILED, Status.CANCELLED}),
}

OPEN = frozenset(_NEXT)
NEEDS_REASON = frozenset({Status.REJECTED, Status.CANCELLED, Status.FAILED})
# What a provider may set; the referring side sets requested and cancelled only.
PROVIDER_MAY_SET = frozenset(
    {Status.ACCEPTED, Status.REJECTED, Status.IN_PROGRESS, Status.COMPLETED, Status.FAILED}
)


class IllegalTransition(ValueError):
    """The referral cannot move to that status from where it is, or a reason is missing."""


def check_transition(current: Status, target: Status, reason: Reason | None) -> None:
    if target not in _NEXT.get(current, frozenset()):
        raise IllegalTransition(f"a {current.value} referral cannot become {target.value}")
    if target in NEEDS_REASON and reason is None:
        raise IllegalTransition(f"{target.value} needs a reason")
