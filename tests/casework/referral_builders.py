"""A directory of three Almaty shelters and a case ready to be referred, for referral tests."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from casework.assessment import mark_urgent, record_level
from casework.cases import open_case
from casework.consent import (
    Consenter,
    ConsentScript,
    Decision,
    Delivery,
    RepresentativeRole,
    Scope,
    record_decision,
)
from casework.models import Case
from casework.proposals import choose_provider
from casework.referral_policy import Officer, ReferralPolicy
from referral_directory.importer import import_directory
from referral_directory.match_values import MatchingRules
from referral_directory.needs import Level
from tests.casework.account_builders import account
from tests.referral_directory.hsds_builders import ALMATY, box, sal_id, service, write

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
POLICY = ReferralPolicy(
    rules=MatchingRules(),
    public_base_url="https://passage.example.org",
    link_ttl=timedelta(hours=72),
    urgent_deadline=timedelta(minutes=30),
    shipped_languages=("en", "ru"),
)
OFFICER = Officer(conversation="officer-conversation-1", language="en")
SCRIPT = ConsentScript("consent.adult", "1", "ru", "text")
# Provider numbers in Twilio's test range; each shelter has its own.
NUMBERS = {"shelter-a": "+15005551001", "shelter-b": "+15005551002", "shelter-c": "+15005551003"}
SECRET_ADDRESS = {"address_1": "7 Hidden Lane", "city": "Almaty", "country": "KZ"}


def shelters(session: Session, tmp_path: Path) -> None:
    """Three shelters in Almaty, ranked a, b, c (by distance from the city centre)."""
    records = [
        service(
            key,
            at=(ALMATY[0] + 0.01 * rank, ALMATY[1]),
            languages=("ru", "kk"),
            areas=[box("Almaty", ALMATY)],
            endpoint_address=number,
            confidential_address=SECRET_ADDRESS if key == "shelter-a" else None,
        )
        for rank, (key, number) in enumerate(NUMBERS.items())
    ]
    assert import_directory(session, write(tmp_path / "shelters.json", records)).ok


def ready_case(session: Session, *, consent_to_referrals: bool = True, child: bool = False) -> Case:
    """A woman (or a presumed child) in Almaty who needs shelter, urgently; shelter-a chosen."""
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    case.appears_under_18 = "yes" if child else "no"
    case.guardian_may_be_involved = "yes" if child else None
    case.gender = "female"
    case.person_language = "ru"
    case.area = "Almaty"
    session.flush()
    scopes = [Scope.ASSESSMENT] + ([Scope.REFERRALS] if consent_to_referrals else [])
    for scope in scopes:
        if child:
            decision = Decision(
                scope,
                True,
                Delivery.INTERPRETER,
                Consenter.REPRESENTATIVE,
                True,
                representative_role=RepresentativeRole.SOCIAL_WORKER,
                child_assent=True,
            )
        else:
            decision = Decision(scope, True, Delivery.INTERPRETER, Consenter.PERSON, True)
        record_decision(session, case, decision, SCRIPT, now=NOW)
    record_level(session, case, Level.BASIC_NEEDS, selected=["basic.housing"], now=NOW)
    mark_urgent(session, case, ["basic.housing"], now=NOW)
    if consent_to_referrals:
        choose_provider(session, case, "basic.housing", sal_id("shelter-a"), POLICY.rules, now=NOW)
    session.flush()
    return case
