"""The referral status table and what is read from it (FHIR Task statuses)."""

import pytest

from casework.referral_status import (
    MOVES,
    NEEDS_REASON,
    OPEN,
    PROVIDER_MAY_SET,
    PROVIDER_STATUSES,
    IllegalTransition,
    Reason,
    Status,
    check_transition,
)

ALLOWED = {
    (Status.REQUESTED, Status.ACCEPTED),
    (Status.REQUESTED, Status.REJECTED),
    (Status.REQUESTED, Status.CANCELLED),
    (Status.ACCEPTED, Status.IN_PROGRESS),
    (Status.ACCEPTED, Status.COMPLETED),
    (Status.ACCEPTED, Status.FAILED),
    (Status.ACCEPTED, Status.CANCELLED),
    (Status.IN_PROGRESS, Status.COMPLETED),
    (Status.IN_PROGRESS, Status.FAILED),
    (Status.IN_PROGRESS, Status.CANCELLED),
}


@pytest.mark.parametrize("current", Status)
@pytest.mark.parametrize("target", Status)
def test_only_the_closed_loop_moves_are_allowed(current: Status, target: Status) -> None:
    if (current, target) in ALLOWED:
        check_transition(current, target, Reason.OTHER)
    else:
        with pytest.raises(IllegalTransition, match="cannot become"):
            check_transition(current, target, Reason.OTHER)


def test_rejected_cancelled_and_failed_need_a_reason() -> None:
    assert {Status.REJECTED, Status.CANCELLED, Status.FAILED} == NEEDS_REASON
    with pytest.raises(IllegalTransition, match="needs a reason"):
        check_transition(Status.REQUESTED, Status.REJECTED, None)
    check_transition(Status.REQUESTED, Status.ACCEPTED, None)


def test_what_is_read_from_the_table() -> None:
    assert {Status.REQUESTED, Status.ACCEPTED, Status.IN_PROGRESS} == OPEN
    assert PROVIDER_STATUSES == (
        Status.ACCEPTED,
        Status.REJECTED,
        Status.IN_PROGRESS,
        Status.COMPLETED,
        Status.FAILED,
    )
    assert set(PROVIDER_STATUSES) == PROVIDER_MAY_SET
    assert Status.REQUESTED not in MOVES  # a referral starts there; nothing moves it back
