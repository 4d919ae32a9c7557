"""Providers proposed for a case's needs, and the one the officer chooses for each need.

Proposals exist only for a case whose person agreed to referrals: matching reads the case's
answers, and a choice is the first step of a referral. The gate is here, not in the chat. When
the person agreed to some kinds of service only, a need gets providers of those kinds only; a
need of no agreed kind gets none, and the gap `no_referral_consent` says why. For a case under a
rescue operation, services holding places for the person come first (casework.held_places).
"""

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.assessment import needed
from casework.consent import CategoryNotConsented, Scope, consented_categories, require_consent
from casework.consent_categories import need_categories
from casework.held_places import held_places, prefer_held
from casework.models import Case, ProviderChoice
from casework.people import children_with_person
from casework.referral_models import Referral
from referral_directory.match_case import GENDERS
from referral_directory.match_values import (
    CaseForMatching,
    MatchingRules,
    NeedMatch,
    Proposal,
    Reason,
)
from referral_directory.matcher import directory_index
from referral_directory.needs import UnknownNeed, top_category

# A need whose kinds of service the person did not agree to (not a gap in the directory).
NO_CONSENT_GAP = "no_referral_consent"
# Intake answers that are not a language code (casework.intake_questions.person_language).
_NOT_A_LANGUAGE = {"other", "unknown", "declined"}


class NotProposed(LookupError):
    """The chosen service is not (or no longer) among the proposals for that need."""


def case_for_matching(session: Session, case: Case) -> CaseForMatching:
    rows = needed(session, case)
    language = case.person_language
    return CaseForMatching(
        needs=tuple(row.need_id for row in rows),
        urgent=frozenset(row.need_id for row in rows if row.urgent),
        age=None,  # never asked: an age guess is not a fact about the person
        presumed_minor=case.presumed_child,
        gender=case.gender if case.gender in GENDERS else None,
        languages=(language,) if language and language not in _NOT_A_LANGUAGE else (),
        area=case.area or None,
        with_children=children_with_person(case) is not None,
    )


def propose_providers(
    session: Session, case: Case, rules: MatchingRules, *, now: datetime
) -> list[NeedMatch]:
    require_consent(session, case, Scope.REFERRALS, now=now)
    wanted = case_for_matching(session, case)
    if not wanted.needs:
        return []
    consented = consented_categories(session, case, now=now)
    index = directory_index(session, rules)
    acceptance = acceptance_by_service(session)
    results = index.match(wanted, now, acceptance)
    held = held_places(session, case, now=now)
    if held is not None:
        results = [
            prefer_held(result, held, index, wanted, now=now, acceptance=acceptance)
            for result in results
        ]
    return [_within_consent(result, consented) for result in results]


def _within_consent(result: NeedMatch, consented: frozenset[str]) -> NeedMatch:
    agreed = consented.intersection(need_categories(result.need_id))
    kept = tuple(p for p in result.proposals if _offers(p, agreed))
    if agreed and kept == result.proposals:
        return result  # a gap of the directory, if any, stays what the coordinator must fix
    gap = None if kept else Reason(NO_CONSENT_GAP, {"need": result.need_id})
    return replace(result, proposals=kept, gap=gap)


def _offers(proposal: Proposal, kinds: frozenset[str]) -> bool:
    return any(top_category(c) in kinds for c in proposal.candidate.categories)


# Answers that count for the acceptance preference: the provider said yes or no.
_ANSWERED = ("accepted", "in-progress", "completed", "failed", "rejected")


def acceptance_by_service(session: Session) -> dict[str, tuple[int, int]]:
    """Accepted and answered referrals per service_at_location, for the matching preference.

    A referral that timed out or that we cancelled says nothing about the provider's answer.
    """
    counts: dict[str, tuple[int, int]] = {}
    rows = session.execute(
        select(Referral.service_at_location_id, Referral.status).where(
            Referral.status.in_(_ANSWERED)
        )
    )
    for service_at_location_id, status in rows:
        accepted, total = counts.get(service_at_location_id, (0, 0))
        counts[service_at_location_id] = (accepted + (status != "rejected"), total + 1)
    return counts


def choose_provider(
    session: Session,
    case: Case,
    need_id: str,
    service_at_location_id: str,
    rules: MatchingRules,
    *,
    now: datetime,
) -> NeedMatch:
    """Record the choice; the service must be among the need's proposals right now.

    Raises ConsentRequired, CategoryNotConsented (the person agreed to no kind of service of
    that need) or NotProposed."""
    try:
        categories = need_categories(need_id)
    except UnknownNeed:
        raise NotProposed(need_id) from None
    if consented_categories(session, case, now=now).isdisjoint(categories):
        require_consent(session, case, Scope.REFERRALS, now=now)
        raise CategoryNotConsented(categories)
    for result in propose_providers(session, case, rules, now=now):
        if result.need_id != need_id:
            continue
        if service_at_location_id not in {
            p.candidate.service_at_location_id for p in result.proposals
        }:
            break
        choice = session.scalar(
            select(ProviderChoice).where(
                ProviderChoice.case_id == case.id, ProviderChoice.need_id == need_id
            )
        )
        if choice is None:
            choice = ProviderChoice(case_id=case.id, need_id=need_id)
            session.add(choice)
        choice.service_at_location_id = service_at_location_id
        choice.chosen_at = now
        session.flush()
        return result
    raise NotProposed(need_id)


def chosen_providers(session: Session, case: Case) -> dict[str, str]:
    rows = session.scalars(select(ProviderChoice).where(ProviderChoice.case_id == case.id))
    return {row.need_id: row.service_at_location_id for row in rows}
