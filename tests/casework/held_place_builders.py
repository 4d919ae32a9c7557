"""Almaty shelters, an operation planned there and places held by SMS, for held-place tests."""

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from casework.capacity_replies import Outcome, handle_capacity_answer
from casework.capacity_requests import RequestState, new_code
from casework.models import Case
from casework.operation_cases import put_under_operation
from casework.operation_models import CapacityRequest, OperationPlan
from casework.operations import checked_details, plan_operation
from referral_directory.importer import import_directory
from tests.casework.account_builders import account
from tests.casework.referral_builders import NOW, ready_case
from tests.referral_directory.hsds_builders import ALMATY, box, sal_id, service, uid, write

HOUSING = "basic.housing"
START = NOW + timedelta(hours=1)
END = START + timedelta(hours=12)
NUMBERS = {
    "shelter-a": "+15005551001",
    "shelter-b": "+15005551002",
    "shelter-c": "+15005551003",
    "shelter-d": "+15005551004",
}
# a and d take children too; d belongs to c's organization, so matching shows one of the two.
TAKE_CHILDREN = ("shelter-a", "shelter-d")
ORGANIZATION = {"shelter-d": "shelter-c"}


def shelters(session: Session, tmp_path: Path) -> None:
    """Four Almaty shelters ranked a, b, c, d by distance from the centre."""
    records = [
        service(
            key,
            at=(ALMATY[0] + 0.01 * rank, ALMATY[1]),
            languages=("ru",),
            areas=[box("Almaty", ALMATY)],
            endpoint_address=number,
            eligibility=("children_accepted",) if key in TAKE_CHILDREN else (),
            organization=ORGANIZATION.get(key),
        )
        for rank, (key, number) in enumerate(NUMBERS.items())
    ]
    assert import_directory(session, write(tmp_path / "held.json", records)).ok


def planned(session: Session, start: datetime = START) -> OperationPlan:
    """Planned by the officer who opens ready_case's cases: three women, one girl, shelter;
    a window of 12 hours from `start`."""
    details = checked_details(
        adults={"female": 3},
        minors={"female": 1},
        languages=["ru"],
        needs=[HOUSING],
        window_start=start,
        window_end=start + (END - START),
        safe_site_region="Almaty",
    )
    return plan_operation(session, account(session), details, now=NOW)


def hold(
    session: Session,
    plan: OperationPlan,
    key: str,
    places: int,
    *,
    minors: bool = False,
    at: datetime = NOW,
) -> CapacityRequest:
    """Places asked of shelter `key` for the plan's housing, held by its SMS answer at `at`."""
    request = CapacityRequest(
        operation_id=plan.id,
        code=new_code(),
        need_id=HOUSING,
        for_minors=minors,
        language=None,
        service_at_location_id=sal_id(key),
        organization_id=uid(f"organization/{ORGANIZATION.get(key, key)}"),
        recipient=NUMBERS[key],
        provider_language="en",
        places_wanted=places,
        places_held=0,
        state=RequestState.REQUESTED.value,
        created_at=at,
    )
    session.add(request)
    session.flush()
    answer = handle_capacity_answer(
        session, sender=request.recipient, body=f"HOLD {request.code} {places}", now=at
    )
    assert answer is not None and answer.outcome is Outcome.HELD
    return request


def grouped(session: Session, plan: OperationPlan, *, child: bool = False) -> Case:
    """ready_case's case (shelter-a chosen) put under the plan."""
    case = ready_case(session, child=child)
    put_under_operation(session, account(session), case, plan, now=NOW)
    return case
