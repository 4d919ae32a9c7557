from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from casework.assessment import (
    Answer,
    applicable_needs,
    mark_urgent,
    needed,
    record_level,
    record_urgent_medical_need,
)
from casework.cases import open_case
from casework.consent import (
    Consenter,
    ConsentRequired,
    ConsentScript,
    Decision,
    Delivery,
    Scope,
    record_decision,
)
from casework.models import AssessedNeed, Case
from referral_directory.needs import Level
from tests.casework.account_builders import account

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _adult_case(session: Session, *, consent: bool = True) -> Case:
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    case.appears_under_18 = "no"
    session.flush()
    if consent:
        decision = Decision(
            Scope.ASSESSMENT, True, Delivery.SHOWN_ON_SCREEN, Consenter.PERSON, True
        )
        record_decision(
            session, case, decision, ConsentScript("consent.adult", "1", "en", "text"), now=NOW
        )
    return case


def _answers(session: Session, case: Case) -> dict[str, str]:
    rows = session.query(AssessedNeed).filter_by(case_id=case.id).all()
    return {row.need_id: row.answer for row in rows}


def test_no_assessment_without_consent(session: Session) -> None:
    case = _adult_case(session, consent=False)
    with pytest.raises(ConsentRequired):
        record_level(session, case, Level.BASIC_NEEDS, selected=["basic.housing"], now=NOW)
    assert _answers(session, case) == {}


def test_an_urgent_medical_need_is_recorded_before_any_consent(session: Session) -> None:
    case = _adult_case(session, consent=False)
    record_urgent_medical_need(session, case, now=NOW)
    assert [(r.need_id, r.urgent) for r in needed(session, case)] == [("services.medical", True)]


def test_a_level_records_every_item_needed_or_not(session: Session) -> None:
    case = _adult_case(session)
    record_level(
        session, case, Level.BASIC_NEEDS, selected=["basic.housing", "basic.food"], now=NOW
    )
    answers = _answers(session, case)
    assert len(answers) == 7
    assert answers["basic.housing"] == answers["basic.food"] == "needed"
    assert answers["basic.clothing"] == "not_needed"


def test_a_second_answer_corrects_the_first(session: Session) -> None:
    case = _adult_case(session)
    record_level(session, case, Level.BASIC_NEEDS, selected=["basic.housing"], now=NOW)
    record_level(session, case, Level.BASIC_NEEDS, selected=["basic.clothing"], now=NOW)
    assert [r.need_id for r in needed(session, case)] == ["basic.clothing"]


@pytest.mark.parametrize("whole", [Answer.DOES_NOT_KNOW, Answer.DECLINED])
def test_a_whole_level_can_be_unknown_or_declined(session: Session, whole: Answer) -> None:
    case = _adult_case(session)
    record_level(session, case, Level.RIGHTS, selected=[], whole_level=whole, now=NOW)
    assert set(_answers(session, case).values()) == {whole.value}


def test_childrens_needs_are_skipped_without_children(session: Session) -> None:
    case = _adult_case(session)
    case.has_children = "no"
    assert "basic.children" not in applicable_needs(case, Level.BASIC_NEEDS)
    with pytest.raises(ValueError, match=r"basic\.children"):
        record_level(session, case, Level.BASIC_NEEDS, selected=["basic.children"], now=NOW)


def test_items_of_another_level_are_refused(session: Session) -> None:
    case = _adult_case(session)
    with pytest.raises(ValueError, match=r"rights\.information"):
        record_level(session, case, Level.BASIC_NEEDS, selected=["rights.information"], now=NOW)


def test_urgency_applies_to_needed_items_and_keeps_the_medical_emergency(session: Session) -> None:
    case = _adult_case(session)
    record_urgent_medical_need(session, case, now=NOW)
    record_level(
        session, case, Level.BASIC_NEEDS, selected=["basic.housing", "basic.food"], now=NOW
    )
    record_level(
        session, case, Level.ASSISTANCE_AND_SERVICES, selected=["services.medical"], now=NOW
    )
    mark_urgent(session, case, ["basic.housing", "basic.clothing"], now=NOW)
    assert {r.need_id: r.urgent for r in needed(session, case)} == {
        "basic.housing": True,
        "basic.food": False,
        "services.medical": True,
    }


def test_unknown_need_ids_are_refused(session: Session) -> None:
    case = _adult_case(session)
    with pytest.raises(ValueError, match="unicorns"):
        record_level(session, case, Level.BASIC_NEEDS, selected=["basic.unicorns"], now=NOW)
