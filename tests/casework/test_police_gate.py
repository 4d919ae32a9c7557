"""The police gate (casework.roles): case details reach a police-type organization or account
only with the person's consent to sharing with the police, and never in a reflection period."""

from datetime import timedelta
from itertools import product
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases import find_resumable_case
from casework.consent import (
    Consenter,
    ConsentRequired,
    Decision,
    Delivery,
    Scope,
    record_decision,
)
from casework.disclosures import NotAllowed, disclosure_log
from casework.intake_access import (
    details_for_provider,
    require_police_may_read,
    withheld_from_police,
)
from casework.models import Case
from casework.outbox import Kind
from casework.referral_models import AuditEntry, OutboxMessage, Referral
from casework.referrals import expire_overdue, send_chosen_referral
from casework.risk import Occasion, RiskCheckDue, recheck_due, record_risk
from casework.roles import CASEWORKER, may_receive_case_details, may_see_case_details
from referral_directory.models import Organization
from referral_directory.organization_types import (
    INTERNATIONAL,
    NGO,
    ORGANIZATION_TYPES,
    POLICE,
    PUBLIC_SERVICE,
)
from tests.casework.account_builders import account
from tests.casework.referral_builders import NOW, OFFICER, POLICY, SCRIPT, ready_case, shelters
from tests.referral_directory.hsds_builders import uid

POLICE_ORG = uid("organization/shelter-a")  # the first-ranked shelter, made a police unit


@pytest.fixture
def directory(session: Session, tmp_path: Path) -> None:
    shelters(session, tmp_path)
    organization = session.get(Organization, POLICE_ORG)
    assert organization is not None
    organization.x_organization_type = POLICE
    session.flush()


def consent_to_police(session: Session, case: Case, *, granted: bool = True) -> None:
    decision = Decision(
        Scope.LAW_ENFORCEMENT, granted, Delivery.INTERPRETER, Consenter.PERSON, True
    )
    record_decision(session, case, decision, SCRIPT, now=NOW)


@pytest.mark.parametrize(
    ("organization_type", "consented", "reflection"),
    list(product((*ORGANIZATION_TYPES, None), (True, False), (True, False))),
)
def test_only_a_police_organization_is_gated_and_only_consent_outside_reflection_opens_it(
    organization_type: str | None, consented: bool, reflection: bool
) -> None:
    allowed = may_receive_case_details(
        organization_type, police_sharing_consented=consented, reflection_period=reflection
    )
    if organization_type in (PUBLIC_SERVICE, NGO, INTERNATIONAL, None):
        assert allowed  # help never depends on consent to the police
    else:
        assert allowed is (consented and not reflection)


def test_an_unknown_type_is_not_police() -> None:
    assert may_receive_case_details(
        "militia", police_sharing_consented=False, reflection_period=False
    )


def test_the_officer_who_opened_the_case_always_sees_it_a_police_colleague_needs_consent(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    opener = account(session)
    colleague = account(session, "carl.caseworker", role=CASEWORKER, organization_id=POLICE_ORG)
    gate = {"organization_type": POLICE, "reflection_period": False}

    assert may_see_case_details(opener, case, police_sharing_consented=False, **gate)
    assert not may_see_case_details(colleague, case, police_sharing_consented=False, **gate)
    assert may_see_case_details(colleague, case, police_sharing_consented=True, **gate)
    # The gate never widens who sees a case.
    stranger = account(session, "x", role=CASEWORKER, unit="elsewhere", organization_id=POLICE_ORG)
    assert not may_see_case_details(stranger, case, police_sharing_consented=True, **gate)


def test_case_lookup_by_a_police_account_is_refused_without_consent(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    colleague = account(session, "carl.caseworker", role=CASEWORKER, organization_id=POLICE_ORG)
    ngo_colleague = account(session, "nina.caseworker", role=CASEWORKER, organization_id="ngo-1")

    assert find_resumable_case(session, case.reference, colleague, now=NOW) is None
    assert find_resumable_case(session, case.reference, ngo_colleague, now=NOW) is case
    assert find_resumable_case(session, case.reference, account(session), now=NOW) is case
    with pytest.raises(NotAllowed):
        disclosure_log(session, case, colleague, source="test", now=NOW)

    consent_to_police(session, case)
    assert find_resumable_case(session, case.reference, colleague, now=NOW) is case


def _refusals(session: Session) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "referral.create", AuditEntry.outcome == "refused"
            )
        )
    )


def test_a_referral_to_a_police_provider_is_refused_without_consent_and_audited(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    consent_to_police(session, case, granted=False)

    with pytest.raises(ConsentRequired) as refused:
        send_chosen_referral(
            session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
        )

    assert refused.value.scope is Scope.LAW_ENFORCEMENT
    assert session.scalars(select(Referral)).all() == []
    assert session.scalars(select(OutboxMessage)).all() == []
    (audit,) = _refusals(session)
    assert (audit.case_id, audit.detail) == (case.id, "no valid consent for law_enforcement")


def test_a_referral_to_a_police_provider_goes_with_consent(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    consent_to_police(session, case)
    record_risk(session, case, [], Occasion.INTAKE, now=NOW)

    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )

    assert referral.organization_id == POLICE_ORG and referral.status == "requested"
    assert _refusals(session) == []


def test_nothing_goes_to_the_police_on_a_risk_check_older_than_a_day(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    consent_to_police(session, case)
    record_risk(session, case, [], Occasion.INTAKE, now=NOW - timedelta(days=2))
    later = NOW + timedelta(minutes=1)

    with pytest.raises(RiskCheckDue):
        send_chosen_referral(
            session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
        )

    assert recheck_due(session, case)  # the interview asks it next
    record_risk(session, case, ["threats_to_family"], Occasion.RESUMED, now=later)
    assert not recheck_due(session, case)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=later
    )
    assert referral.organization_id == POLICE_ORG


def test_a_cascade_passes_over_a_police_provider_without_consent(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    police_b = session.get(Organization, uid("organization/shelter-b"))
    assert police_b is not None
    police_b.x_organization_type = POLICE
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=True, now=NOW
    )
    expire_overdue(session, POLICY, now=referral.deadline_at + timedelta(minutes=1))

    sent_to = [r.organization_id for r in session.scalars(select(Referral).order_by(Referral.id))]
    assert sent_to == [uid("organization/shelter-a"), uid("organization/shelter-c")]


def test_a_police_inbox_and_api_key_see_no_details_once_consent_is_withdrawn(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    consent_to_police(session, case)
    record_risk(session, case, [], Occasion.INTAKE, now=NOW)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    assert details_for_provider(session, referral, now=NOW) is not None
    assert not withheld_from_police(session, referral, now=NOW)
    require_police_may_read(session, referral, actor="partner_api:psg_x", now=NOW)

    later = NOW + timedelta(minutes=1)
    consent_to_police(session, case, granted=False)  # the person changed their mind

    assert details_for_provider(session, referral, now=later) is None
    assert withheld_from_police(session, referral, now=later)
    with pytest.raises(ConsentRequired):
        require_police_may_read(session, referral, actor="partner_api:psg_x", now=later)
    read = session.scalars(select(AuditEntry).where(AuditEntry.action == "referral.read")).one()
    assert (read.outcome, read.actor) == ("refused", "partner_api:psg_x")


def test_details_still_reach_a_provider_that_is_not_police(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    assert details_for_provider(session, referral, now=NOW) is not None
    assert not withheld_from_police(session, referral, now=NOW)
    assert session.scalars(select(OutboxMessage.kind)).all() == [Kind.SMS.value]
