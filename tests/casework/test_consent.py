from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from casework.cases import open_case
from casework.consent import (
    Consenter,
    ConsentRefused,
    ConsentRequired,
    ConsentScript,
    Decision,
    Delivery,
    RepresentativeRole,
    Scope,
    current_decision,
    has_consent,
    record_decision,
    require_consent,
    withdraw_all,
)
from casework.models import Case
from tests.casework.account_builders import account

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SCRIPT = ConsentScript("consent.adult", "1", "ru", "Вы не совершили преступления ...")


def _case(session: Session, **intake: str) -> Case:
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    for field, value in intake.items():
        setattr(case, field, value)
    session.flush()
    return case


def _adult_decision(scope: Scope, granted: bool = True, **changes: object) -> Decision:
    values: dict[str, object] = {
        "scope": scope,
        "granted": granted,
        "delivery": Delivery.INTERPRETER,
        "consenter": Consenter.PERSON,
        "comprehension_confirmed": True,
    }
    values.update(changes)
    return Decision(**values)  # type: ignore[arg-type]


def test_receipt_records_what_was_shown_and_who_decided(session: Session) -> None:
    case = _case(session, appears_under_18="no")
    receipt = record_decision(session, case, _adult_decision(Scope.ASSESSMENT), SCRIPT, now=NOW)
    assert receipt.script_id == "consent.adult" and receipt.script_version == "1"
    assert receipt.text_sha256 == SCRIPT.sha256 and len(receipt.text_sha256) == 64
    assert (receipt.language, receipt.delivery, receipt.consenter) == (
        "ru",
        "interpreter",
        "person",
    )
    assert receipt.expires_at == NOW + timedelta(days=90)
    assert has_consent(session, case, Scope.ASSESSMENT, now=NOW)


def test_scopes_are_separate_decisions(session: Session) -> None:
    case = _case(session, appears_under_18="no")
    record_decision(session, case, _adult_decision(Scope.REFERRALS), SCRIPT, now=NOW)
    record_decision(
        session, case, _adult_decision(Scope.LAW_ENFORCEMENT, granted=False), SCRIPT, now=NOW
    )
    assert has_consent(session, case, Scope.REFERRALS, now=NOW)
    assert not has_consent(session, case, Scope.LAW_ENFORCEMENT, now=NOW)
    with pytest.raises(ConsentRequired, match="no valid consent for assessment"):
        require_consent(session, case, Scope.ASSESSMENT, now=NOW)


def test_the_latest_decision_counts_and_consent_expires(session: Session) -> None:
    case = _case(session, appears_under_18="no")
    record_decision(session, case, _adult_decision(Scope.REFERRALS), SCRIPT, now=NOW)
    later = NOW + timedelta(hours=1)
    record_decision(
        session, case, _adult_decision(Scope.REFERRALS, granted=False), SCRIPT, now=later
    )
    assert not has_consent(session, case, Scope.REFERRALS, now=later)
    record_decision(
        session,
        case,
        _adult_decision(Scope.ASSESSMENT),
        SCRIPT,
        now=NOW,
        valid_for=timedelta(days=1),
    )
    assert not has_consent(session, case, Scope.ASSESSMENT, now=NOW + timedelta(days=2))


def test_consent_without_comprehension_is_refused(session: Session) -> None:
    case = _case(session, appears_under_18="no")
    with pytest.raises(ConsentRefused, match="say back"):
        record_decision(
            session,
            case,
            _adult_decision(Scope.ASSESSMENT, comprehension_confirmed=False),
            SCRIPT,
            now=NOW,
        )
    # A refusal needs no comprehension check: "no" is always respected.
    refusal = _adult_decision(Scope.ASSESSMENT, granted=False, comprehension_confirmed=False)
    assert not record_decision(session, case, refusal, SCRIPT, now=NOW).granted


@pytest.mark.parametrize("appears_under_18", ["yes", "unsure", None])
def test_a_presumed_child_cannot_consent_alone(
    session: Session, appears_under_18: str | None
) -> None:
    case = _case(session)
    case.appears_under_18 = appears_under_18
    assert case.presumed_child
    with pytest.raises(ConsentRefused, match="representative"):
        record_decision(session, case, _adult_decision(Scope.ASSESSMENT), SCRIPT, now=NOW)


def test_a_child_consents_through_a_representative_with_assent(session: Session) -> None:
    case = _case(session, appears_under_18="unsure")
    decision = _adult_decision(
        Scope.REFERRALS,
        consenter=Consenter.REPRESENTATIVE,
        representative_role=RepresentativeRole.SOCIAL_WORKER,
        child_assent=True,
    )
    receipt = record_decision(session, case, decision, SCRIPT, now=NOW)
    assert (receipt.representative_role, receipt.child_assent) == ("social_worker", True)
    without_assent = _adult_decision(
        Scope.ASSESSMENT,
        consenter=Consenter.REPRESENTATIVE,
        representative_role=RepresentativeRole.NGO,
        child_assent=False,
    )
    with pytest.raises(ConsentRefused, match="assent"):
        record_decision(session, case, without_assent, SCRIPT, now=NOW)


@pytest.mark.parametrize("involved", ["yes", "does_not_know", None])
def test_a_guardian_who_may_be_involved_is_never_the_representative(
    session: Session, involved: str | None
) -> None:
    case = _case(session, appears_under_18="yes")
    case.guardian_may_be_involved = involved
    decision = _adult_decision(
        Scope.ASSESSMENT,
        consenter=Consenter.REPRESENTATIVE,
        representative_role=RepresentativeRole.GUARDIAN,
        child_assent=True,
    )
    with pytest.raises(ConsentRefused, match="guardian"):
        record_decision(session, case, decision, SCRIPT, now=NOW)


def test_withdrawal_ends_every_consent_and_stops_the_case(session: Session) -> None:
    case = _case(session, appears_under_18="no")
    for scope in Scope:
        record_decision(session, case, _adult_decision(scope), SCRIPT, now=NOW)
    assert withdraw_all(session, case, now=NOW + timedelta(minutes=5)) == 3
    assert case.status == "withdrawn"
    for scope in Scope:
        assert current_decision(session, case, scope, now=NOW + timedelta(minutes=6)) is None
