"""The reflection period: no police sharing while it runs, the police question not asked again,
and one reminder to the officer when it ends."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases import open_case
from casework.consent import (
    Consenter,
    ConsentRefused,
    ConsentRequired,
    Decision,
    Delivery,
    Scope,
    has_consent,
    record_decision,
)
from casework.intake import Outcome, answer, next_step
from casework.models import Case, ConsentReceipt
from casework.outbox import Kind
from casework.police_gate import organization_may_receive
from casework.referral_models import OutboxMessage, Referral
from casework.referrals import send_chosen_referral
from casework.reflection import (
    ReflectionRefused,
    in_reflection_period,
    queue_reflection_reminders,
    reflection_reminders_for,
    start_reflection_period,
)
from referral_directory.models import Organization
from referral_directory.organization_types import POLICE
from tests.casework.account_builders import account
from tests.casework.referral_builders import NOW, OFFICER, POLICY, SCRIPT, ready_case, shelters
from tests.casework.test_intake import ADULT_PROFILE
from tests.referral_directory.hsds_builders import uid

POLICE_ORG = uid("organization/shelter-a")
CHAT = "officer-conversation-1"


def _police_consent(granted: bool = True) -> Decision:
    return Decision(Scope.LAW_ENFORCEMENT, granted, Delivery.INTERPRETER, Consenter.PERSON, True)


def _reflect(session: Session, case: Case, days: int = 30) -> None:
    start_reflection_period(session, case, days=days, conversation=CHAT, actor="olga", now=NOW)


@pytest.fixture
def police_directory(session: Session, tmp_path: Path) -> None:
    shelters(session, tmp_path)
    organization = session.get(Organization, POLICE_ORG)
    assert organization is not None
    organization.x_organization_type = POLICE


def test_a_reflection_period_refuses_police_sharing_even_with_consent(
    session: Session, police_directory: None
) -> None:
    case = ready_case(session)
    record_decision(session, case, _police_consent(), SCRIPT, now=NOW)
    assert organization_may_receive(session, POLICE_ORG, case, now=NOW)

    _reflect(session, case)

    assert in_reflection_period(case, now=NOW + timedelta(days=29))
    assert not organization_may_receive(session, POLICE_ORG, case, now=NOW)
    with pytest.raises(ConsentRequired) as refused:
        send_chosen_referral(
            session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
        )
    assert refused.value.scope is Scope.LAW_ENFORCEMENT
    assert session.scalars(select(Referral)).all() == []
    # It ends by itself: the consent given before holds again.
    after = NOW + timedelta(days=30)
    assert not in_reflection_period(case, now=after)
    assert organization_may_receive(session, POLICE_ORG, case, now=after)


def test_consent_to_the_police_cannot_be_recorded_as_given_during_it(
    session: Session, police_directory: None
) -> None:
    case = ready_case(session)
    _reflect(session, case)

    with pytest.raises(ConsentRefused):
        record_decision(session, case, _police_consent(), SCRIPT, now=NOW + timedelta(days=1))
    record_decision(session, case, _police_consent(False), SCRIPT, now=NOW + timedelta(days=1))
    assert not has_consent(session, case, Scope.LAW_ENFORCEMENT, now=NOW + timedelta(days=1))


def test_only_one_period_at_a_time_on_an_open_case(
    session: Session, police_directory: None
) -> None:
    case = ready_case(session)
    _reflect(session, case)
    with pytest.raises(ReflectionRefused):
        _reflect(session, case)
    with pytest.raises(ValueError):
        start_reflection_period(session, case, days=0, conversation=CHAT, actor="o", now=NOW)
    case.status = "closed"
    with pytest.raises(ReflectionRefused):
        start_reflection_period(
            session, case, days=5, conversation=CHAT, actor="o", now=NOW + timedelta(days=40)
        )


def test_the_interview_does_not_ask_the_police_question_during_it(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    session.flush()
    for question_id, values in ADULT_PROFILE:
        step = next_step(session, case, now=NOW)
        assert step is not None and step.question.id == question_id
        assert answer(session, case, step, values, now=NOW) is Outcome.NEXT
    _reflect(session, case)

    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "consent_decisions"
    assert Scope.LAW_ENFORCEMENT.value not in step.options
    assert answer(session, case, step, ["law_enforcement"], now=NOW) is Outcome.INVALID
    assert answer(session, case, step, ["assessment", "referrals"], now=NOW) is Outcome.NEXT
    # Not asked, so no decision of the person is recorded on it.
    scopes = session.scalars(select(ConsentReceipt.scope)).all()
    assert Scope.LAW_ENFORCEMENT.value not in scopes


def _notices(session: Session) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == Kind.OFFICER_NOTICE.value)
        )
    )


def test_the_officer_is_reminded_once_when_it_ends(
    session: Session, police_directory: None
) -> None:
    case = ready_case(session)
    _reflect(session, case, days=10)
    officer = account(session)

    assert queue_reflection_reminders(session, now=NOW + timedelta(days=9)) == 0
    assert _notices(session) == []
    ended = NOW + timedelta(days=10)
    assert queue_reflection_reminders(session, now=ended) == 1
    assert queue_reflection_reminders(session, now=ended + timedelta(minutes=5)) == 0
    (notice,) = _notices(session)
    assert (notice.recipient, notice.body) == (CHAT, "")  # names nothing

    stranger = account(session, "officer.elsewhere", unit="unit-south-9", region="south")
    assert reflection_reminders_for(session, CHAT, stranger, now=ended) == []
    (reminder,) = reflection_reminders_for(session, CHAT, officer, now=ended)
    assert (reminder.case_reference, reminder.ended_on) == (case.reference, ended.date())
    assert reflection_reminders_for(session, CHAT, officer, now=ended) == []
