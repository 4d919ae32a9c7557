"""The quick triage of a person of a rescue operation: the interview pauses once after it."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from casework.case_status import CaseStatus, reopen
from casework.cases import open_case
from casework.intake import Outcome, answer, next_step
from casework.models import Case
from casework.operation_cases import open_case_under_operation
from casework.operation_models import OperationPlan
from casework.operation_triage import Triage, triage_of
from casework.operations import NotAllowed, checked_details, plan_operation
from tests.casework.account_builders import account
from tests.casework.test_intake import NOW, _answer, _through


def _plan_and_case(session: Session) -> Case:
    officer = account(session)
    details = checked_details(
        adults={"female": 2},
        minors={"male": 1},
        languages=["km"],
        needs=["basic.housing"],
        window_start=NOW,
        window_end=NOW + timedelta(hours=6),
        safe_site_region="Almaty",
    )
    plan = plan_operation(session, officer, details, now=NOW)
    case = open_case_under_operation(session, officer, plan, channel="rest", now=NOW)
    session.flush()
    return case


def test_an_adult_is_triaged_after_age_and_the_case_pauses_once(session: Session) -> None:
    case = _plan_and_case(session)
    _through(
        session,
        case,
        [
            ("urgent_medical", ["no"]),
            ("present", ["interpreter_here", "private_space"]),
            ("person_language", ["km"]),
        ],
    )

    assert _answer(session, case, "appears_under_18", ["no"]) is Outcome.TRIAGED

    assert case.status == CaseStatus.PAUSED and case.triaged_at == NOW
    assert triage_of(case) == Triage(urgent_medical="no", presumed_child=False, language="km")
    # Another worker resumes: the interview goes on with the person, and never pauses again.
    reopen(case)
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "gender"
    assert answer(session, case, step, ["female"], now=NOW) is Outcome.NEXT


def test_a_presumed_child_is_triaged_after_the_guardian_question(session: Session) -> None:
    case = _plan_and_case(session)
    _through(
        session,
        case,
        [
            ("urgent_medical", ["no"]),
            ("present", ["interpreter_here", "private_space"]),
            ("person_language", ["vi"]),
            ("appears_under_18", ["unsure"]),
        ],
    )

    assert _answer(session, case, "guardian_may_be_involved", ["yes"]) is Outcome.TRIAGED

    assert triage_of(case).presumed_child and case.status == CaseStatus.PAUSED


def test_urgent_medical_care_pauses_first_and_the_triage_ends_on_resuming(
    session: Session,
) -> None:
    case = _plan_and_case(session)
    assert _answer(session, case, "urgent_medical", ["yes"]) is Outcome.PAUSED_FOR_MEDICAL
    assert case.triaged_at is None
    reopen(case)
    _through(
        session,
        case,
        [("present", ["interpreter_here", "private_space"]), ("person_language", ["km"])],
    )
    assert _answer(session, case, "appears_under_18", ["no"]) is Outcome.TRIAGED
    assert triage_of(case).urgent_medical == "yes"


def test_a_case_not_under_an_operation_is_not_paused_after_the_same_answers(
    session: Session,
) -> None:
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    session.flush()
    _through(
        session,
        case,
        [
            ("urgent_medical", ["no"]),
            ("present", ["interpreter_here", "private_space"]),
            ("person_language", ["km"]),
            ("appears_under_18", ["no"]),
        ],
    )
    assert case.status == CaseStatus.OPEN and case.triaged_at is None


def test_only_an_account_that_sees_the_plan_opens_a_case_under_it(session: Session) -> None:
    case = _plan_and_case(session)
    stranger = account(session, "officer.elsewhere", unit="unit-9", region="south")
    plan = session.get(OperationPlan, case.operation_id)
    assert plan is not None
    with pytest.raises(NotAllowed):
        open_case_under_operation(session, stranger, plan, channel="rest", now=NOW)


def test_the_same_next_person_tap_again_gives_the_case_it_opened(session: Session) -> None:
    case = _plan_and_case(session)
    plan = session.get(OperationPlan, case.operation_id)
    assert plan is not None
    officer = account(session)

    again = open_case_under_operation(session, officer, plan, channel="rest", now=NOW)

    assert again is case  # untouched: the tap's reply was lost, not a second person
    _answer(session, case, "urgent_medical", ["no"])
    following = open_case_under_operation(session, officer, plan, channel="rest", now=NOW)
    assert following is not case and following.operation_id == plan.id
