"""Cases put under a rescue operation, and the operation's board."""

from dataclasses import fields
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.closing import close_case
from casework.consent import ConsentReceipt, withdraw_all
from casework.erasure import ErasureReason, erase_case
from casework.models import Case
from casework.operation_cases import (
    NO_REFERRAL,
    BoardRow,
    CaseNotOpen,
    NeedStatus,
    UnderAnotherOperation,
    board,
    cases_of,
    open_case_under_operation,
    put_under_operation,
)
from casework.operation_models import OperationPlan
from casework.operations import (
    NotAllowed,
    checked_details,
    operation_for,
    operation_to_join,
    plan_operation,
)
from casework.proposals import choose_provider
from casework.referral_status import Reason, Status
from casework.referrals import change_status, send_chosen_referral
from casework.roles import CASEWORKER, COORDINATOR
from casework.transcripts import TranscriptStore
from passage.config import Settings
from tests.casework.account_builders import account
from tests.casework.referral_builders import NOW, OFFICER, POLICY, ready_case, shelters
from tests.casework.retention_builders import tracker_db
from tests.referral_directory.hsds_builders import sal_id

START = NOW + timedelta(hours=1)
HOUSING = "basic.housing"


def planned(session: Session, username: str = "officer.one") -> OperationPlan:
    details = checked_details(
        adults={"female": 1},
        minors={"female": 1},
        languages=["ru"],
        needs=[HOUSING],
        window_start=START,
        window_end=START + timedelta(hours=12),
        safe_site_region="Almaty",
    )
    return plan_operation(session, account(session, username), details, now=NOW)


def consents(session: Session, case: Case) -> list[tuple[object, ...]]:
    return [
        (r.scope, r.withdrawn_at)
        for r in session.scalars(select(ConsentReceipt).where(ConsentReceipt.case_id == case.id))
    ]


def test_an_open_case_goes_under_a_plan_its_officer_sees_and_keeps_its_consent(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    case = ready_case(session)  # opened by officer.one, who plans the operation too
    plan = planned(session)
    before = consents(session, case)

    put_under_operation(session, account(session), case, plan, now=NOW)
    put_under_operation(session, account(session), case, plan, now=NOW)  # again: nothing new

    assert case.operation_id == plan.id
    assert cases_of(session, plan) == [case]
    assert consents(session, case) == before and before


def test_a_case_or_a_plan_the_account_may_not_see_is_refused_alike(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    case = ready_case(session)  # officer.one's case, unit-north-1, region north
    others_plan = planned(session, "officer.two")  # officer.one does not see this plan
    own_plan = planned(session)
    south = account(session, "coord.south", role=COORDINATOR, unit=None, region="south")
    # Sees the case (its unit), but works in another region than the plan's.
    caseworker = account(session, "cw.south", role=CASEWORKER, region="south")

    refusals = []
    for viewer, plan in (
        (account(session), others_plan),
        (account(session, "officer.two"), others_plan),  # sees the plan, not the case
        (south, own_plan),
        (caseworker, own_plan),
    ):
        with pytest.raises(NotAllowed) as refused:
            put_under_operation(session, viewer, case, plan, now=NOW)
        refusals.append(str(refused.value))

    assert case.operation_id is None and cases_of(session, own_plan) == []
    assert len(set(refusals)) == 1  # one answer: it says neither which one nor why
    # The region's coordinator sees both, and may group the case.
    north = account(session, "coord.north", role=COORDINATOR, unit=None)
    put_under_operation(session, north, case, own_plan, now=NOW)
    assert cases_of(session, own_plan) == [case]
    with pytest.raises(UnderAnotherOperation):
        put_under_operation(session, north, case, planned(session, "coord.north"), now=NOW)


def test_a_caseworker_of_the_plans_region_takes_persons_in_but_does_not_see_the_plan(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    caseworker = account(session, "cw.north", role=CASEWORKER, region="north")

    case = open_case_under_operation(session, caseworker, plan, channel="rest", now=NOW)

    assert cases_of(session, plan) == [case] and case.officer_account_id == caseworker.id
    with pytest.raises(NotAllowed):
        operation_for(session, caseworker, plan.code)  # the readiness and board are not theirs
    assert operation_to_join(session, caseworker, plan.code.lower()) == plan


def test_a_closed_or_withdrawn_case_is_not_put_under_an_operation(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    closed, withdrawn = ready_case(session), ready_case(session)
    close_case(session, closed, actor="officer", now=NOW)
    withdraw_all(session, withdrawn, now=NOW)

    for case in (closed, withdrawn):
        with pytest.raises(CaseNotOpen):
            put_under_operation(session, account(session), case, plan, now=NOW)
        assert case.operation_id is None
    assert cases_of(session, plan) == []


def test_the_board_shows_who_has_a_place_asked_and_who_has_none(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    adult = ready_case(session)
    send_chosen_referral(session, adult, HOUSING, OFFICER, POLICY, cascade=False, now=NOW)
    # No shelter here takes children: the presumed child has no referral.
    child = ready_case(session, child=True, consent_to_referrals=False)
    outside = ready_case(session)  # not under the operation: not on its board
    for case in (adult, child):
        put_under_operation(session, account(session), case, plan, now=NOW)

    shown = board(session, plan, now=NOW)

    assert shown.as_of == NOW
    assert shown.rows == (
        BoardRow(adult.reference, False, (NeedStatus(HOUSING, Status.REQUESTED.value),)),
        BoardRow(child.reference, True, (NeedStatus(HOUSING, NO_REFERRAL),)),
    )
    assert outside.reference not in str(shown)
    # Nothing of the person: no area, gender or language anywhere in a row.
    assert [f.name for f in fields(BoardRow)] == ["reference", "presumed_child", "needs"]
    assert not any(word in repr(shown.rows) for word in ("Almaty", "female", "'ru'"))


def test_the_latest_referral_of_a_need_gives_its_status(session: Session, tmp_path: Path) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    case = ready_case(session)
    first = send_chosen_referral(session, case, HOUSING, OFFICER, POLICY, cascade=False, now=NOW)
    later = NOW + timedelta(minutes=1)
    change_status(
        session,
        first,
        Status.REJECTED,
        POLICY,
        actor="shelter-a",
        now=later,
        reason=Reason.NO_CAPACITY,
    )
    choose_provider(session, case, HOUSING, sal_id("shelter-b"), POLICY.rules, now=later)
    second = send_chosen_referral(session, case, HOUSING, OFFICER, POLICY, cascade=False, now=later)
    change_status(session, second, Status.ACCEPTED, POLICY, actor="shelter-b", now=later)
    put_under_operation(session, account(session), case, plan, now=NOW)

    (row,) = board(session, plan, now=later).rows

    assert row.needs == (NeedStatus(HOUSING, Status.ACCEPTED.value),)


def test_an_erased_case_leaves_the_operation_and_its_board(
    session: Session, database: Settings, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    case = ready_case(session)
    put_under_operation(session, account(session), case, plan, now=NOW)
    store = TranscriptStore(tracker_db(database.resolved_tracker_db))
    try:
        erase_case(
            session,
            case,
            account(session),
            ErasureReason.PERSON_REQUEST,
            store,
            base_url="https://passage.example.org",
            now=NOW,
        )
    finally:
        store.close()

    # Which operation the person was found in tells the time and the region: it goes too.
    assert case.operation_id is None
    assert cases_of(session, plan) == [] and board(session, plan, now=NOW).rows == ()
