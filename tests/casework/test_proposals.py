"""Proposals for a case's needs and the officer's choice: consent first, then the directory."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from casework.assessment import mark_urgent, record_level
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
from casework.models import Case
from casework.proposals import (
    NotProposed,
    case_for_matching,
    choose_provider,
    chosen_providers,
    propose_providers,
)
from referral_directory.importer import import_directory
from referral_directory.match_values import MatchingRules
from referral_directory.needs import Level
from tests.casework.account_builders import account
from tests.referral_directory.hsds_builders import ALMATY, box, sal_id, service, write

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RULES = MatchingRules()
SCRIPT = ConsentScript("consent.adult", "1", "ru", "text")


def _case(session: Session, *scopes: Scope) -> Case:
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    case.appears_under_18 = "no"
    case.gender = "female"
    case.person_language = "ru"
    case.area = "Almaty, Medeu district"
    session.flush()
    for scope in (Scope.ASSESSMENT, *scopes):
        decision = Decision(scope, True, Delivery.INTERPRETER, Consenter.PERSON, True)
        record_decision(session, case, decision, SCRIPT, now=NOW)
    record_level(session, case, Level.BASIC_NEEDS, selected=["basic.housing"], now=NOW)
    record_level(session, case, Level.RIGHTS, selected=["rights.compensation_claim"], now=NOW)
    mark_urgent(session, case, ["basic.housing"], now=NOW)
    return case


@pytest.fixture
def directory(session: Session, tmp_path: Path) -> None:
    records = [
        service("almaty-shelter", at=ALMATY, languages=("ru", "kk"), areas=[box("Almaty", ALMATY)]),
        service("almaty-clinic", at=ALMATY, categories=("medical",), areas=[box("Almaty", ALMATY)]),
    ]
    assert import_directory(session, write(tmp_path / "d.json", records)).ok
    session.flush()


def test_the_case_is_read_as_matching_needs_it(session: Session) -> None:
    case = _case(session, Scope.REFERRALS)
    wanted = case_for_matching(session, case)
    assert wanted.needs == ("basic.housing", "rights.compensation_claim")
    assert wanted.urgent == {"basic.housing"}
    assert (wanted.age, wanted.presumed_minor, wanted.gender) == (None, False, "female")
    assert (wanted.languages, wanted.area) == (("ru",), "Almaty, Medeu district")


def test_no_proposals_without_consent_to_referrals(session: Session, directory: None) -> None:
    case = _case(session)
    with pytest.raises(ConsentRequired):
        propose_providers(session, case, RULES, now=NOW)
    with pytest.raises(ConsentRequired):
        choose_provider(session, case, "basic.housing", sal_id("almaty-shelter"), RULES, now=NOW)
    assert chosen_providers(session, case) == {}


def test_proposals_and_a_choice_among_them(session: Session, directory: None) -> None:
    case = _case(session, Scope.REFERRALS)
    housing, compensation = propose_providers(session, case, RULES, now=NOW)
    assert [p.candidate.service_at_location_id for p in housing.proposals] == [
        sal_id("almaty-shelter")
    ]
    assert compensation.gap is not None

    choose_provider(session, case, "basic.housing", sal_id("almaty-shelter"), RULES, now=NOW)
    assert chosen_providers(session, case) == {"basic.housing": sal_id("almaty-shelter")}


def test_a_service_not_proposed_for_the_need_cannot_be_chosen(
    session: Session, directory: None
) -> None:
    case = _case(session, Scope.REFERRALS)
    for need_id, service_id in (
        ("basic.housing", sal_id("almaty-clinic")),  # exists, but not for housing
        ("basic.food", sal_id("almaty-shelter")),  # not a need of this case
        ("basic.housing", "made-up"),
    ):
        with pytest.raises(NotProposed):
            choose_provider(session, case, need_id, service_id, RULES, now=NOW)
    assert chosen_providers(session, case) == {}
