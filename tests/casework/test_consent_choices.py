"""Consent per kind of service, one referral cancelled because the person declined it, and a
decision changed later."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.assessment import record_level
from casework.cases import open_case
from casework.consent import (
    CategoryNotConsented,
    Consenter,
    Decision,
    Delivery,
    Scope,
    consented_categories,
    current_decision,
    has_consent,
    may_refer,
    record_decision,
)
from casework.consent_categories import CONSENT_CATEGORIES
from casework.intake import Outcome, answer, draft, next_step, reopen_consent
from casework.intake_access import details_for_provider
from casework.intake_questions import QUESTIONS
from casework.models import Case
from casework.outbox import Kind
from casework.proposals import NO_CONSENT_GAP, choose_provider, propose_providers
from casework.referral_models import AuditEntry, OutboxMessage, Referral
from casework.referral_status import IllegalTransition, Reason, Status
from casework.referrals import (
    NoReferral,
    cancel_declined_referral,
    follow_consent_decisions,
    send_chosen_referral,
)
from referral_directory.importer import import_directory
from referral_directory.needs import CATEGORIES, NEEDS, Level, top_category
from tests.casework.account_builders import account
from tests.casework.referral_builders import NOW, NUMBERS, OFFICER, POLICY, SCRIPT, ready_case
from tests.casework.referral_builders import shelters as three_shelters
from tests.casework.test_intake import ADULT_PROFILE
from tests.referral_directory.hsds_builders import ALMATY, box, sal_id, service, write
from translations.catalog import shipped_catalogs

CLINIC = "+15005551009"
CONSENT_DECISIONS = next(q for q in QUESTIONS if q.id == "consent_decisions")


@pytest.fixture
def directory(session: Session, tmp_path: Path) -> None:
    """The three Almaty shelters, and a clinic there."""
    three_shelters(session, tmp_path)
    clinic = service(
        "clinic-a",
        categories=("medical",),
        at=ALMATY,
        languages=("ru", "kk"),
        areas=[box("Almaty", ALMATY)],
        endpoint_address=CLINIC,
    )
    assert import_directory(session, write(tmp_path / "clinic.json", [clinic])).ok


@pytest.fixture
def case(session: Session) -> Case:
    """A new case with no answer yet."""
    created = open_case(session, channel="rest", now=NOW, officer=account(session))
    session.flush()
    return created


def _decide(
    session: Session,
    case: Case,
    scope: Scope,
    granted: bool,
    categories: frozenset[str] | None = None,
) -> None:
    decision = Decision(
        scope, granted, Delivery.INTERPRETER, Consenter.PERSON, True, categories=categories
    )
    record_decision(session, case, decision, SCRIPT, now=NOW)


def _case(session: Session, kinds: frozenset[str] | None) -> Case:
    """Shelter and medical care needed; referrals agreed to for `kinds` (None: every kind);
    police sharing refused."""
    case = ready_case(session, consent_to_referrals=False)
    _decide(session, case, Scope.REFERRALS, True, kinds)
    _decide(session, case, Scope.LAW_ENFORCEMENT, False)
    record_level(
        session, case, Level.ASSISTANCE_AND_SERVICES, selected=["services.medical"], now=NOW
    )
    session.flush()
    return case


def _send(session: Session, case: Case, need_id: str, service_key: str) -> Referral:
    choose_provider(session, case, need_id, sal_id(service_key), POLICY.rules, now=NOW)
    return send_chosen_referral(session, case, need_id, OFFICER, POLICY, cascade=False, now=NOW)


def _sms_bodies(session: Session, number: str) -> list[str]:
    return list(
        session.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.kind == Kind.SMS.value, OutboxMessage.recipient == number)
            .order_by(OutboxMessage.id)
        )
    )


def test_the_consent_question_offers_each_kind_of_service_after_the_three_decisions() -> None:
    options = CONSENT_DECISIONS.options
    assert options[:3] == ("assessment", "referrals", "law_enforcement")
    referred_to = {top_category(c) for need in NEEDS for c in need.categories}
    assert set(options[3:]) == referred_to == set(CONSENT_CATEGORIES)
    assert all(c in CATEGORIES and "." not in c for c in CONSENT_CATEGORIES)


@pytest.mark.parametrize(
    ("ticked", "kinds"),
    [
        (["assessment", "shelter", "legal"], {"shelter", "legal"}),
        (["assessment", "referrals"], set(CONSENT_CATEGORIES)),
        (["assessment", "referrals", "medical"], set(CONSENT_CATEGORIES)),  # every kind wins
    ],
)
def test_the_kinds_ticked_are_recorded_on_the_referrals_receipt(
    session: Session, case: Case, ticked: list[str], kinds: set[str]
) -> None:
    for question_id, values in ADULT_PROFILE:
        step = next_step(session, case, now=NOW)
        assert step is not None and step.question.id == question_id
        assert answer(session, case, step, values, now=NOW) is Outcome.NEXT
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "consent_decisions"
    assert answer(session, case, step, ticked, now=NOW) is Outcome.NEXT

    assert may_refer(session, case, now=NOW)
    assert consented_categories(session, case, now=NOW) == kinds
    assert not has_consent(session, case, Scope.LAW_ENFORCEMENT, now=NOW)


def test_without_referrals_nor_any_kind_nothing_may_be_referred(
    session: Session, directory: None
) -> None:
    case = ready_case(session, consent_to_referrals=False)
    _decide(session, case, Scope.REFERRALS, False)
    assert consented_categories(session, case, now=NOW) == frozenset()


def test_a_referral_outside_the_consented_kinds_is_refused_and_audited(
    session: Session, directory: None
) -> None:
    case = _case(session, frozenset({"shelter"}))

    housing = _send(session, case, "basic.housing", "shelter-a")
    assert housing.category == "shelter"
    with pytest.raises(CategoryNotConsented) as refused:
        send_chosen_referral(
            session, case, "services.medical", OFFICER, POLICY, cascade=False, now=NOW
        )
    assert refused.value.categories == ("medical",)
    assert refused.value.scope is Scope.REFERRALS  # a ConsentRequired like any other refusal
    audit = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "referral.create", AuditEntry.outcome == "refused"
        )
    ).one()
    assert audit.detail == "no consent for referrals to medical"
    with pytest.raises(CategoryNotConsented):
        choose_provider(
            session, case, "services.medical", sal_id("clinic-a"), POLICY.rules, now=NOW
        )


def test_proposals_name_the_need_without_consent_instead_of_its_providers(
    session: Session, directory: None
) -> None:
    case = _case(session, frozenset({"shelter"}))
    results = {r.need_id: r for r in propose_providers(session, case, POLICY.rules, now=NOW)}

    assert results["basic.housing"].proposals and results["basic.housing"].gap is None
    medical = results["services.medical"]
    assert medical.proposals == ()
    assert medical.gap is not None and medical.gap.code == NO_CONSENT_GAP


def test_with_every_kind_the_clinic_is_proposed(session: Session, directory: None) -> None:
    case = _case(session, None)
    results = {r.need_id: r for r in propose_providers(session, case, POLICY.rules, now=NOW)}
    clinics = [p.candidate.service_at_location_id for p in results["services.medical"].proposals]
    assert clinics == [sal_id("clinic-a")]


def test_a_need_of_several_kinds_is_proposed_only_providers_of_an_agreed_kind(
    session: Session, directory: None
) -> None:
    """Services to enhance protection are shelter or legal help: with legal help only agreed
    to, no shelter is proposed (and this directory has no legal service)."""
    case = _case(session, frozenset({"legal"}))
    record_level(
        session, case, Level.ASSISTANCE_AND_SERVICES, selected=["services.protection"], now=NOW
    )
    results = {r.need_id: r for r in propose_providers(session, case, POLICY.rules, now=NOW)}
    protection = results["services.protection"]
    assert protection.proposals == ()
    assert protection.gap is not None and protection.gap.code == NO_CONSENT_GAP


def test_one_declined_referral_is_cancelled_alone(session: Session, directory: None) -> None:
    case = _case(session, None)
    housing = _send(session, case, "basic.housing", "shelter-a")
    medical = _send(session, case, "services.medical", "clinic-a")

    cancelled = cancel_declined_referral(session, case, medical.code, POLICY, now=NOW)

    assert cancelled.id == medical.id
    assert medical.status == Status.CANCELLED.value
    assert medical.status_reason == Reason.PERSON_DECLINED.value
    cancellation = shipped_catalogs().render("sms.cancelled", "ru", code=medical.code)
    assert _sms_bodies(session, CLINIC)[1:] == [cancellation]
    assert housing.status == Status.REQUESTED.value
    assert len(_sms_bodies(session, NUMBERS["shelter-a"])) == 1  # the referral, nothing since
    # Every other decision stands; only medical care is no longer agreed to.
    assert has_consent(session, case, Scope.ASSESSMENT, now=NOW)
    assert consented_categories(session, case, now=NOW) == set(CONSENT_CATEGORIES) - {"medical"}
    police = current_decision(session, case, Scope.LAW_ENFORCEMENT, now=NOW)
    assert police is not None and not police.granted
    # ... so the same service is not sent again by mistake.
    with pytest.raises(CategoryNotConsented):
        send_chosen_referral(
            session, case, "services.medical", OFFICER, POLICY, cascade=False, now=NOW
        )


def test_an_accepted_referral_may_be_declined_too(session: Session, directory: None) -> None:
    case = _case(session, None)
    medical = _send(session, case, "services.medical", "clinic-a")
    medical.status = Status.ACCEPTED.value
    cancel_declined_referral(session, case, medical.code, POLICY, now=NOW)
    assert medical.status == Status.CANCELLED.value


def test_declining_the_only_kind_agreed_to_ends_consent_to_referrals(
    session: Session, directory: None
) -> None:
    case = _case(session, frozenset({"shelter"}))
    housing = _send(session, case, "basic.housing", "shelter-a")
    cancel_declined_referral(session, case, housing.code, POLICY, now=NOW)
    assert not may_refer(session, case, now=NOW)
    assert has_consent(session, case, Scope.ASSESSMENT, now=NOW)


def test_a_code_of_another_case_or_a_closed_referral_is_refused(
    session: Session, directory: None
) -> None:
    case = _case(session, None)
    other = _case(session, None)
    medical = _send(session, case, "services.medical", "clinic-a")
    with pytest.raises(NoReferral):
        cancel_declined_referral(session, other, medical.code, POLICY, now=NOW)
    cancel_declined_referral(session, case, medical.code, POLICY, now=NOW)
    with pytest.raises(IllegalTransition):
        cancel_declined_referral(session, case, medical.code, POLICY, now=NOW)


def test_a_changed_decision_asks_the_question_again_with_what_stands_ticked(
    session: Session, case: Case
) -> None:
    for question_id, values in [*ADULT_PROFILE, ("consent_decisions", ["assessment", "shelter"])]:
        step = next_step(session, case, now=NOW)
        assert step is not None and step.question.id == question_id
        assert answer(session, case, step, values, now=NOW) is Outcome.NEXT

    assert reopen_consent(session, case, now=NOW)
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "consent_decisions"
    assert draft(session, case, step.question) == {"assessment", "shelter"}
    assert (
        answer(session, case, step, ["assessment", "shelter", "medical"], now=NOW) is Outcome.NEXT
    )
    assert consented_categories(session, case, now=NOW) == {"shelter", "medical"}
    assert next_step(session, case, now=NOW) is not None  # on to the assessment, where it was


def test_nothing_to_ask_again_before_the_consent_question(session: Session, case: Case) -> None:
    assert not reopen_consent(session, case, now=NOW)


def test_a_changed_decision_ends_the_referrals_it_no_longer_covers(
    session: Session, tmp_path: Path
) -> None:
    three_shelters(session, tmp_path)
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    assert details_for_provider(session, referral, now=NOW) is not None
    later = NOW + timedelta(minutes=5)
    # The person now agrees to medical care only.
    medical_only = Decision(
        Scope.REFERRALS,
        True,
        Delivery.INTERPRETER,
        Consenter.PERSON,
        True,
        categories=frozenset({"medical"}),
    )
    record_decision(session, case, medical_only, SCRIPT, now=later)

    assert details_for_provider(session, referral, now=later) is None
    assert follow_consent_decisions(session, case, POLICY, now=later) == 1

    assert (referral.status, referral.status_reason) == ("cancelled", "person_declined")
    told = session.scalars(select(OutboxMessage).where(OutboxMessage.referral_id == referral.id))
    assert [m.kind for m in told].count(Kind.SMS) == 2  # the referral, then its cancellation
